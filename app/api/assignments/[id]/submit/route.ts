// POST /api/assignments/:id/submit - submit the ranking of an assignment. Needs an Idempotency-Key:
// a retry with the same key stores nothing new and answers the same (409 while the first runs,
// 422 for the same key with another payload).
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { idempotencyKey, readJson } from "@/lib/http/read-json";
import { idParam, route } from "@/lib/http/route";
import { MAX_SUBMISSION_BYTES, submissionSchema } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export const POST = route<{ id: string }>({ roles: ["CLINICIAN"] }, async ({ request, params, user }) => {
  const assignmentId = idParam(params.id, "an assignment");
  const key = idempotencyKey(request);
  const submission = await readJson(request, submissionSchema, MAX_SUBMISSION_BYTES);
  const result = await submitRanking({ userId: user.id, assignmentId, submission, idempotencyKey: key });
  return Response.json(result.body, { status: result.status });
});
