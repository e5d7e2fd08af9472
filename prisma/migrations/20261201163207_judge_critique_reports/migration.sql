-- 20261201163207_judge_critique_reports: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- A judge's critique quotes (issue 18): per judge ranking stored with critiques, how many of its quotes were
-- found in the candidates exactly, after normalising, fuzzily, or not at all, and the unmatched ones as the
-- judge gave them (a quote found nowhere is never a span; it is kept here to be reported on the run page).
CREATE TABLE "judge_critique_reports" (
    "run_id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "permutation_index" INTEGER NOT NULL,
    "exact" INTEGER NOT NULL DEFAULT 0,
    "normalized" INTEGER NOT NULL DEFAULT 0,
    "fuzzy" INTEGER NOT NULL DEFAULT 0,
    "unmatched" INTEGER NOT NULL DEFAULT 0,
    -- [{completionId, quote, tag, severity, comment}], in the judge's order.
    "unmatched_quotes" JSONB NOT NULL DEFAULT '[]',
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "judge_critique_reports_pkey" PRIMARY KEY ("run_id", "prompt_id", "permutation_index")
);
ALTER TABLE "judge_critique_reports" ADD CONSTRAINT "judge_critique_reports_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "judge_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "judge_critique_reports" ADD CONSTRAINT "judge_critique_reports_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
-- The run page lists a run's latest unmatched quotes (partial: most rankings have none; schema.prisma cannot say it).
CREATE INDEX "judge_critique_reports_unmatched_idx" ON "judge_critique_reports" ("run_id", "created_at") WHERE "unmatched" > 0;
