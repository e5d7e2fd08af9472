-- 20261130152501_batch_call_reference: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.
-- A Batch call no longer stores its whole request (the full conversation with every candidate,
-- ~12 KB: 2.4 GB for a 200,000-unit run). The request is rendered again from what is stored (the
-- prompt, its candidates, the run's template version, model and parameters, the permutation and
-- the unit's earlier calls); the call keeps where it was sent (its batch, whose input file the
-- provider keeps, and its line there) and the SHA-256 of the exact line bytes sent, which a
-- re-rendered request must match. Live calls keep their request as before.
ALTER TABLE judge_calls ALTER COLUMN request DROP NOT NULL;
ALTER TABLE judge_calls ADD COLUMN batch_line integer, ADD COLUMN request_sha256 bytea;
ALTER TABLE judge_calls ADD CONSTRAINT judge_calls_request_kept
  CHECK (request IS NOT NULL OR (batch_line IS NOT NULL AND request_sha256 IS NOT NULL));

-- What each line of a batch's input file was, written while the file is built: the unit it asks
-- for, its line number (0-based), its bytes' SHA-256 and the candidates' shown order, copied
-- onto the unit's call when the output is ingested (which then reads no prompt or candidate).
-- No foreign key to prompts: a line only lives as long as its batch.
CREATE TABLE judge_batch_lines (
  batch_id uuid NOT NULL,
  prompt_id uuid NOT NULL,
  unit_index integer NOT NULL,
  line integer NOT NULL,
  request_sha256 bytea NOT NULL,
  shown_order uuid[] NOT NULL,
  CONSTRAINT judge_batch_lines_pkey PRIMARY KEY (batch_id, prompt_id, unit_index),
  CONSTRAINT judge_batch_lines_batch_id_fkey FOREIGN KEY (batch_id) REFERENCES judge_batches (id) ON DELETE CASCADE ON UPDATE CASCADE
);
