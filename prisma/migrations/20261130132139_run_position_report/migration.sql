-- 20261130132139_run_position_report: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.
-- A run's position-consistency report, kept: computing it reads every permutation's ranking of up
-- to 5,000 prompts (about a second at UltraMedical's size), too slow for each view of the run page.
-- Recomputed when the run changed since (lib/judge/runs/run-views.ts says when).
ALTER TABLE judge_runs ADD COLUMN position_report jsonb, ADD COLUMN position_report_at timestamptz(3);
