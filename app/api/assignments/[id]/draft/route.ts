// PUT /api/assignments/:id/draft - autosave of the ranking screen (also extends the lease).
import { z } from "zod";
import { saveDraft } from "@/lib/annotation/manage-assignment";
import { authorizeApi } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/http/error-response";
import { readJson } from "@/lib/http/read-json";
import { draftSchema, MAX_SUBMISSION_BYTES } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeApi("CLINICIAN");
  if (!auth.ok) return auth.response;
  try {
    const id = z.uuid("not an assignment id").parse((await params).id);
    const draft = await readJson(request, draftSchema, MAX_SUBMISSION_BYTES);
    return Response.json(await saveDraft({ userId: auth.user.id, assignmentId: id, draft }));
  } catch (error) {
    return errorResponse(error);
  }
}
