// GET /api/rankings/:id - one's own submitted ranking, as the ranking screen shows it for revision.
// PUT /api/rankings/:id - revise it within the project's edit window (a new revision; Idempotency-Key).
import { reviseRanking, revisionPayload } from "@/lib/annotation/revise-ranking";
import { idempotencyKey, readJson } from "@/lib/http/read-json";
import { idParam, noStore, route } from "@/lib/http/route";
import { MAX_SUBMISSION_BYTES, submissionSchema } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export const GET = route<{ id: string }>({ roles: ["CLINICIAN"] }, async ({ params, user }) =>
  Response.json(await revisionPayload(idParam(params.id, "a ranking"), user.id), noStore),
);

export const PUT = route<{ id: string }>({ roles: ["CLINICIAN"] }, async ({ request, params, user }) => {
  const rankingId = idParam(params.id, "a ranking");
  const key = idempotencyKey(request);
  const submission = await readJson(request, submissionSchema, MAX_SUBMISSION_BYTES);
  const result = await reviseRanking({ userId: user.id, rankingId, submission, idempotencyKey: key });
  return Response.json(result.body, { status: result.status });
});
