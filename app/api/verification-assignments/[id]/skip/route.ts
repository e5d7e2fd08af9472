// POST /api/verification-assignments/:id/skip - skip a pair, with a reason; it returns to the pool.
import { idParam, route } from "@/lib/http/route";
import { SKIP_BODY } from "@/lib/ranking/submission-schema";
import { skipPair } from "@/lib/verification/manage-pair-assignment";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }, typeof SKIP_BODY>({ roles: ["CLINICIAN"], body: SKIP_BODY }, async ({ params, user, body }) => {
  await skipPair({ userId: user.id, assignmentId: idParam(params.id, "a pair assignment"), reason: body.reason });
  return Response.json({ skipped: true });
});
