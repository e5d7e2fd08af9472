// PUT /api/assignments/:id/draft - autosave of the ranking screen (also extends the lease).
import { saveDraft } from "@/lib/annotation/manage-assignment";
import { idParam, route } from "@/lib/http/route";
import { DRAFT_BODY } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export const PUT = route<{ id: string }, typeof DRAFT_BODY>({ roles: ["CLINICIAN"], body: DRAFT_BODY }, async ({ params, user, body }) => {
  const assignmentId = idParam(params.id, "an assignment");
  return Response.json(await saveDraft({ userId: user.id, assignmentId, draft: body }));
});
