// GET /api/projects/:slug/annotation/progress - the clinician's and the project's progress.
import { annotationProgress } from "@/lib/annotation/annotation-progress";
import { noStore, route } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = route<{ slug: string }>({ roles: ["CLINICIAN"] }, async ({ params, user }) =>
  Response.json(await annotationProgress(user.id, params.slug), noStore),
);
