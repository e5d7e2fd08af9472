// GET /api/rankings/:id - one's own submitted ranking, as the ranking screen shows it for revision.
// PUT /api/rankings/:id - revise it within the project's edit window (a new revision; Idempotency-Key).
import { z } from "zod";
import { reviseRanking, revisionPayload } from "@/lib/annotation/revise-ranking";
import { authorizeApi } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/http/error-response";
import { idempotencyKey, readJson } from "@/lib/http/read-json";
import { MAX_SUBMISSION_BYTES, submissionSchema } from "@/lib/ranking/submission-schema";

export const dynamic = "force-dynamic";

export async function GET(_: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeApi("CLINICIAN");
  if (!auth.ok) return auth.response;
  try {
    const id = z.uuid("not a ranking id").parse((await params).id);
    return Response.json(await revisionPayload(id, auth.user.id), { headers: { "cache-control": "no-store" } });
  } catch (error) {
    return errorResponse(error);
  }
}

export async function PUT(request: Request, { params }: { params: Promise<{ id: string }> }) {
  const auth = await authorizeApi("CLINICIAN");
  if (!auth.ok) return auth.response;
  try {
    const id = z.uuid("not a ranking id").parse((await params).id);
    const key = idempotencyKey(request);
    const submission = await readJson(request, submissionSchema, MAX_SUBMISSION_BYTES);
    const result = await reviseRanking({ userId: auth.user.id, rankingId: id, submission, idempotencyKey: key });
    return Response.json(result.body, { status: result.status });
  } catch (error) {
    return errorResponse(error);
  }
}
