// POST /api/generation-runs - create a generation run and start it (runs:write; Idempotency-Key).
import { idempotentCreate } from "@/lib/api/idempotent-create";
import { PIPELINE_ROUTES } from "@/lib/api/operations";
import { route } from "@/lib/http/route";
import { createAndStartGenerationRun } from "@/lib/judge/run-commands";

export const dynamic = "force-dynamic";

export const POST = route(PIPELINE_ROUTES.generationRunCreate, async ({ request, user, body }) =>
  idempotentCreate(request, user.id, "generation-run.create", body, () => createAndStartGenerationRun(body, user.id)),
);
