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

ALTER TABLE "judge_runs" ADD COLUMN "units_total" INTEGER NOT NULL DEFAULT 0,
    ADD CONSTRAINT "judge_runs_units_total_non_negative" CHECK ("units_total" >= 0);

-- What a run has spent, for its budgets: one row per concurrency slot that stored an outcome,
-- so concurrent calls of a run never wait on each other's row (the run's own row stays untouched
-- in the hot path); a budget check sums the run's rows.
CREATE TABLE "judge_run_spend" (
    "run_id" UUID NOT NULL,
    "shard" INTEGER NOT NULL,
    "calls" INTEGER NOT NULL DEFAULT 0,
    "tokens" BIGINT NOT NULL DEFAULT 0,
    "cost_usd" DOUBLE PRECISION NOT NULL DEFAULT 0,
    CONSTRAINT "judge_run_spend_pkey" PRIMARY KEY ("run_id", "shard"),
    CONSTRAINT "judge_run_spend_non_negative" CHECK ("calls" >= 0 AND "tokens" >= 0 AND "cost_usd" >= 0)
);
ALTER TABLE "judge_run_spend" ADD CONSTRAINT "judge_run_spend_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "judge_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
