// POST /api/verification-assignments/:id/submit - answer a pair (A better, B better, tie, both
// unacceptable). Needs an Idempotency-Key, as the ranking submit: a retry stores nothing new.
import { idempotencyKey } from "@/lib/http/read-json";
import { idParam, route } from "@/lib/http/route";
import { PAIR_ANSWER_BODY } from "@/lib/verification/pair-answer";
import { submitPairVote } from "@/lib/verification/submit-pair-vote";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }, typeof PAIR_ANSWER_BODY>(
  { roles: ["CLINICIAN"], body: PAIR_ANSWER_BODY },
  async ({ request, params, user, body }) => {
    const assignmentId = idParam(params.id, "a pair assignment");
    const result = await submitPairVote({ userId: user.id, assignmentId, answer: body, idempotencyKey: idempotencyKey(request) });
    return Response.json(result.body, { status: result.status });
  },
);
