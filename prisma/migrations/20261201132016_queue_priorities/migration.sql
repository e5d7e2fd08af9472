-- 20261201132016_queue_priorities: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- Judge-uncertain routing of the ranking queue (issue 17, part 6; projects.queue_order = 'judge-uncertain'): how
-- unsure the project's latest judge run is about each prompt's best candidate (lib/annotation/queue-priorities.ts),
-- recomputed by the worker's maintenance when the project's rankings changed; the claim serves the least sure first.
CREATE TABLE "prompt_queue_priorities" (
    "prompt_id" UUID NOT NULL,
    "project_id" UUID NOT NULL,
    "uncertainty" DOUBLE PRECISION NOT NULL,
    CONSTRAINT "prompt_queue_priorities_pkey" PRIMARY KEY ("prompt_id")
);
CREATE INDEX "prompt_queue_priorities_project_id_uncertainty_idx" ON "prompt_queue_priorities" ("project_id", "uncertainty" DESC);
ALTER TABLE "prompt_queue_priorities" ADD CONSTRAINT "prompt_queue_priorities_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- What the priorities were computed from: the project's ranking counts when computed, and the judge run used.
CREATE TABLE "queue_priority_refreshes" (
    "project_id" UUID NOT NULL,
    "data_key" TEXT NOT NULL,
    "judge_run_id" UUID,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "queue_priority_refreshes_pkey" PRIMARY KEY ("project_id")
);
ALTER TABLE "queue_priority_refreshes" ADD CONSTRAINT "queue_priority_refreshes_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
