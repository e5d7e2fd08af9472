-- A run's units of work: one per (prompt, permutation) of a judge run, one per (prompt, slot) of
-- a generation run. Their state drives progress, completion and resume without counting calls,
-- and the run keeps running totals so budgets are checked without summing its calls.
CREATE TYPE "unit_state" AS ENUM ('PENDING', 'DONE', 'FAILED');

CREATE TABLE "judge_units" (
    "run_id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "unit_index" INTEGER NOT NULL,
    "state" "unit_state" NOT NULL DEFAULT 'PENDING',
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "judge_units_pkey" PRIMARY KEY ("run_id", "prompt_id", "unit_index"),
    CONSTRAINT "judge_units_index_non_negative" CHECK ("unit_index" >= 0)
);
CREATE INDEX "judge_units_run_id_state_idx" ON "judge_units"("run_id", "state");
ALTER TABLE "judge_units" ADD CONSTRAINT "judge_units_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "judge_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "judge_units" ADD CONSTRAINT "judge_units_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

ALTER TABLE "judge_runs"
    ADD COLUMN "units_total" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "units_done" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "units_failed" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "calls_made" INTEGER NOT NULL DEFAULT 0,
    ADD COLUMN "tokens_used" BIGINT NOT NULL DEFAULT 0,
    ADD COLUMN "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    ADD CONSTRAINT "judge_runs_counters_non_negative" CHECK ("units_done" >= 0 AND "units_failed" >= 0 AND "units_done" + "units_failed" <= "units_total" AND "calls_made" >= 0 AND "tokens_used" >= 0 AND "cost_usd" >= 0);
