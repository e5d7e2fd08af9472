// GET /api/verification-votes/:id - one's own answer on a pair, as the pair screen shows it for revision.
// PUT /api/verification-votes/:id - revise it within the project's edit window (Idempotency-Key).
import { idempotencyKey } from "@/lib/http/read-json";
import { idParam, noStore, route } from "@/lib/http/route";
import { PAIR_ANSWER_BODY } from "@/lib/verification/pair-answer";
import { revisePairVote } from "@/lib/verification/submit-pair-vote";
import { pairRevisionPayload } from "@/lib/verification/task-queries";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ roles: ["CLINICIAN"] }, async ({ params, user }) =>
  Response.json(await pairRevisionPayload(idParam(params.id, "a vote"), user.id), noStore),
);

export const PUT = route<{ id: string }, typeof PAIR_ANSWER_BODY>(
  { roles: ["CLINICIAN"], body: PAIR_ANSWER_BODY },
  async ({ request, params, user, body }) => {
    const voteId = idParam(params.id, "a vote");
    const result = await revisePairVote({ userId: user.id, voteId, answer: body, idempotencyKey: idempotencyKey(request) });
    return Response.json(result.body, { status: result.status });
  },
);
