// POST /api/assignments/:id/skip - skip a prompt, with a reason; it returns to the pool.
import { skipAssignment } from "@/lib/annotation/manage-assignment";
import { idParam, route } from "@/lib/http/route";
import { SKIP_BODY } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }, typeof SKIP_BODY>({ roles: ["CLINICIAN"], body: SKIP_BODY }, async ({ params, user, body }) => {
  const assignmentId = idParam(params.id, "an assignment");
  await skipAssignment({ userId: user.id, assignmentId, reason: body.reason });
  return Response.json({ skipped: true });
});
