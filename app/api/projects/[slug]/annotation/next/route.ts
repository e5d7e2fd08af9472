// GET /api/projects/:slug/annotation/next - the clinician's next prompt (claims one under a lease),
// or {done: true}. A GET route handler: server actions run one at a time per client.
import { claimNextAssignment } from "@/lib/annotation/claim-next-assignment";
import { authorizeApi } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/http/error-response";

export const dynamic = "force-dynamic";

export async function GET(_: Request, { params }: { params: Promise<{ slug: string }> }) {
  const auth = await authorizeApi("CLINICIAN");
  if (!auth.ok) return auth.response;
  try {
    const next = await claimNextAssignment(auth.user, (await params).slug);
    return Response.json(next ? { done: false, ...next } : { done: true }, { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
