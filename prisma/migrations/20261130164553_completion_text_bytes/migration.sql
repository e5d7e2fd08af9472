-- 20261130164553_completion_text_bytes: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.
-- The agreement report reads every candidate's model and length (for length bias) per prompt. Its
-- length was octet_length(text): reading every candidate's text, 1.3 GB of heap at 100,000 prompts.
-- The byte length is kept as a generated column and the report's columns sit in one index it can
-- read alone (an index-only scan once the table is vacuumed).
ALTER TABLE completions ADD COLUMN text_bytes integer GENERATED ALWAYS AS (octet_length(text)) STORED;
CREATE INDEX completions_report_idx ON completions (prompt_id, position, id, model, text_bytes);
