// POST /api/assignments/:id/submit - submit the ranking of an assignment. Needs an Idempotency-Key:
// a retry with the same key stores nothing new and answers the same (409 while the first runs,
// 422 for the same key with another payload).
import { z } from "zod";
import { submitRanking } from "@/lib/annotation/submit-ranking";
import { authorizeApi } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/http/error-response";
import { idempotencyKey, readJson } from "@/lib/http/read-json";
import { MAX_SUBMISSION_BYTES, submissionSchema } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeApi("CLINICIAN");
  if (!auth.ok) return auth.response;
  try {
    const id = z.uuid("not an assignment id").parse((await params).id);
    const key = idempotencyKey(request);
    const submission = await readJson(request, submissionSchema, MAX_SUBMISSION_BYTES);
    const result = await submitRanking({ userId: auth.user.id, assignmentId: id, submission, idempotencyKey: key });
    return Response.json(result.body, { status: result.status });
  } catch (error) {
    return errorResponse(error);
  }
}
