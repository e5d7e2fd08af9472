// GET /api/projects/:slug/annotation/next - the clinician's next prompt (claims one under a lease),
// or {done: true}. A GET route handler: server actions run one at a time per client. It changes
// state, so another site's page may not call it (route's cross-site check).
import { claimNextAssignment } from "@/lib/annotation/claim-next-assignment";
import { noStore, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ slug: string }>({ roles: ["CLINICIAN"], changesState: true }, async ({ params, user }) => {
  const next = await claimNextAssignment(user, params.slug);
  return Response.json(next ? { done: false, ...next } : { done: true }, noStore);
});
