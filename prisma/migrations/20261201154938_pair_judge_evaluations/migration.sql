-- 20261201154938_pair_judge_evaluations: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- A generative judge evaluated on a benchmark's pairs (a verification set's kept pairs or an export's test split;
-- issue 17, part 5): a run of kind PAIR_JUDGE whose units each show the judge one pair in one order
-- (lib/rm-eval/judge-evaluation.ts). Its verdicts are kept apart from rankings: a pair is two of a prompt's
-- candidates, never a ranking of them all.
ALTER TYPE "run_kind" ADD VALUE 'PAIR_JUDGE';

-- One row per unit of a PAIR_JUDGE run: the pair (as the benchmark names it: a verification pair's id, or an
-- export's `pair` column or row number), the completion shown first and second, and the verdict
-- (null until the judge answered): which shown response it preferred, or a tie, and its 1–5 scores.
CREATE TABLE "pair_judge_units" (
    "run_id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "unit_index" INTEGER NOT NULL,
    "pair" TEXT NOT NULL,
    "first_completion_id" UUID NOT NULL,
    "second_completion_id" UUID NOT NULL,
    "preferred" TEXT,
    "first_score" INTEGER,
    "second_score" INTEGER,
    CONSTRAINT "pair_judge_units_pkey" PRIMARY KEY ("run_id", "prompt_id", "unit_index"),
    CONSTRAINT "pair_judge_units_preferred_check" CHECK ("preferred" IN ('first', 'second', 'tie')),
    CONSTRAINT "pair_judge_units_shown_check" CHECK ("first_completion_id" <> "second_completion_id")
);
CREATE UNIQUE INDEX "pair_judge_units_run_id_pair_first_completion_id_key" ON "pair_judge_units" ("run_id", "pair", "first_completion_id");
ALTER TABLE "pair_judge_units" ADD CONSTRAINT "pair_judge_units_unit_fkey" FOREIGN KEY ("run_id", "prompt_id", "unit_index") REFERENCES "judge_units"("run_id", "prompt_id", "unit_index") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "pair_judge_units" ADD CONSTRAINT "pair_judge_units_first_completion_id_fkey" FOREIGN KEY ("first_completion_id") REFERENCES "completions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "pair_judge_units" ADD CONSTRAINT "pair_judge_units_second_completion_id_fkey" FOREIGN KEY ("second_completion_id") REFERENCES "completions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
