// POST /api/judge-runs - create a judge run and start it (runs:write; Idempotency-Key).
import { idempotentCreate } from "@/lib/api/idempotent-create";
import { PIPELINE_ROUTES } from "@/lib/api/operations";
import { route } from "@/lib/http/route";
import { createAndStartJudgeRun } from "@/lib/judge/run-commands";

export const dynamic = "force-dynamic";

export const POST = route(PIPELINE_ROUTES.judgeRunCreate, async ({ request, user, body }) =>
  idempotentCreate(request, user.id, "judge-run.create", body, () => createAndStartJudgeRun(body, user.id)),
);
