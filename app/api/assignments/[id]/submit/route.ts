// POST /api/assignments/:id/submit - submit the ranking of an assignment. Needs an Idempotency-Key:
// a retry with the same key stores nothing new and answers the same (409 while the first runs,
// 422 for the same key with another payload).
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { idempotencyKey } from "@/lib/http/read-json";
import { idParam, route } from "@/lib/http/route";
import { SUBMISSION_BODY } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }, typeof SUBMISSION_BODY>(
  { roles: ["CLINICIAN"], body: SUBMISSION_BODY },
  async ({ request, params, user, body }) => {
    const assignmentId = idParam(params.id, "an assignment");
    const key = idempotencyKey(request);
    const result = await submitRanking({ userId: user.id, assignmentId, submission: body, idempotencyKey: key });
    return Response.json(result.body, { status: result.status });
  },
);
