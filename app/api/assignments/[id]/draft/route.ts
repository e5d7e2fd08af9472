// PUT /api/assignments/:id/draft - autosave of the ranking screen (also extends the lease).
import { saveDraft } from "@/lib/annotation/manage-assignment";
import { readJson } from "@/lib/http/read-json";
import { idParam, route } from "@/lib/http/route";
import { draftSchema, MAX_SUBMISSION_BYTES } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export const PUT = route<{ id: string }>({ roles: ["CLINICIAN"] }, async ({ request, params, user }) => {
  const assignmentId = idParam(params.id, "an assignment");
  const draft = await readJson(request, draftSchema, MAX_SUBMISSION_BYTES);
  return Response.json(await saveDraft({ userId: user.id, assignmentId, draft }));
});
