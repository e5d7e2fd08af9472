// GET /api/rankings/:id - one's own submitted ranking, as the ranking screen shows it for revision.
// PUT /api/rankings/:id - revise it within the project's edit window (a new revision; Idempotency-Key).
import { reviseRanking, revisionPayload } from "@/lib/annotation/revise-ranking";
import { idempotencyKey } from "@/lib/http/read-json";
import { idParam, noStore, route } from "@/lib/http/route";
import { SUBMISSION_BODY } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ roles: ["CLINICIAN"] }, async ({ params, user }) =>
  Response.json(await revisionPayload(idParam(params.id, "a ranking"), user.id), noStore),
);

export const PUT = route<{ id: string }, typeof SUBMISSION_BODY>(
  { roles: ["CLINICIAN"], body: SUBMISSION_BODY },
  async ({ request, params, user, body }) => {
    const rankingId = idParam(params.id, "a ranking");
    const key = idempotencyKey(request);
    const result = await reviseRanking({ userId: user.id, rankingId, submission: body, idempotencyKey: key });
    return Response.json(result.body, { status: result.status });
  },
);
