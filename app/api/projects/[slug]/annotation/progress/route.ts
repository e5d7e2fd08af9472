// GET /api/projects/:slug/annotation/progress - the clinician's and the project's progress.
import { annotationProgress } from "@/lib/annotation/annotation-progress";
import { authorizeApi } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/http/error-response";

export const dynamic = "force-dynamic";

export async function GET(_: Request, { params }: { params: Promise<{ slug: string }> }) {
  const auth = await authorizeApi("CLINICIAN");
  if (!auth.ok) return auth.response;
  try {
    return Response.json(await annotationProgress(auth.user.id, (await params).slug), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}
