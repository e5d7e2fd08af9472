-- 20261130185223_judge_calls_run_created: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- A run's calls in time order: the run page's pace ("calls per minute" over the last 5 minutes) counts
-- one range of this index instead of reading every call of the run (200,000 in a Batch run of 100,000
-- prompts, P = 2: 600 ms per view).
CREATE INDEX judge_calls_run_id_created_at_idx ON judge_calls (run_id, created_at);
