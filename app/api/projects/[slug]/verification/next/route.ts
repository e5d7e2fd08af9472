// GET /api/projects/:slug/verification/next[?set=ID] - the clinician's next pair to verify (claims it
// under a lease), from one set or any set of the project, or {done: true}. A GET that changes state,
// as the ranking queue's next: route's cross-site check applies.
import { idParam, noStore, route } from "@/lib/http/route";
import { claimNextPair } from "@/lib/verification/claim-next-pair";

export const dynamic = "force-dynamic";

export const GET = route<{ slug: string }>({ roles: ["CLINICIAN"], changesState: true }, async ({ request, params, user }) => {
  const set = new URL(request.url).searchParams.get("set");
  const setId = set ? idParam(set, "a verification set") : null;
  const next = await claimNextPair(user, { projectSlug: params.slug, setId });
  return Response.json(next ? { done: false, ...next } : { done: true }, noStore);
});
