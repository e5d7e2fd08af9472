-- 20261201041335_judge_call_keys: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- A judge call's run, prompt and batch are checked once per statement instead of by three foreign keys
-- per call. A Batch run of 200,000 units stores 200,000 calls in pages of 4,000: each key's row trigger
-- looked up and locked its row once per call (600,000 lookups, a third of the cost of storing the calls),
-- where a page names one run, one batch and 2,000 prompts.
--
-- What the database still enforces, for every writer:
--  - inserted calls, and calls whose run, prompt or batch is changed: one statement trigger locks the
--    distinct runs, prompts and batches they name FOR KEY SHARE (as each key did: none can be deleted
--    between the check and the commit), and a row it could not lock (missing, or deleted while the lock was
--    awaited) refuses the statement with foreign_key_violation naming it;
--  - a run's or a prompt's deletion takes its calls (the keys' ON DELETE CASCADE), a batch's deletion
--    clears its calls' batch (ON DELETE SET NULL), by statement triggers; a changed id is carried to
--    the calls (ON UPDATE CASCADE) by row triggers that fire only when the id changes.
ALTER TABLE judge_calls DROP CONSTRAINT judge_calls_run_id_fkey;
ALTER TABLE judge_calls DROP CONSTRAINT judge_calls_prompt_id_fkey;
ALTER TABLE judge_calls DROP CONSTRAINT judge_calls_batch_id_fkey;

-- Nested loops only: the planner cannot know how many rows a statement has and, guessing, would scan
-- every prompt to lock a page's 2,000.
CREATE FUNCTION medpref_check_call_keys() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
  wanted int;
  locked int;
  missing uuid;
BEGIN
  SELECT count(DISTINCT run_id) INTO wanted FROM changed;
  PERFORM 1 FROM judge_runs r WHERE r.id IN (SELECT DISTINCT run_id FROM changed) ORDER BY r.id FOR KEY SHARE OF r;
  GET DIAGNOSTICS locked = ROW_COUNT;
  IF locked < wanted THEN
    SELECT c.run_id INTO missing FROM changed c WHERE NOT EXISTS (SELECT 1 FROM judge_runs r WHERE r.id = c.run_id) ORDER BY c.run_id LIMIT 1;
    RAISE EXCEPTION 'judge call names run %, which does not exist', missing
      USING ERRCODE = 'foreign_key_violation', TABLE = 'judge_calls', CONSTRAINT = 'judge_calls_run_id_check';
  END IF;
  SELECT count(DISTINCT prompt_id) INTO wanted FROM changed;
  PERFORM 1 FROM prompts p WHERE p.id IN (SELECT DISTINCT prompt_id FROM changed) ORDER BY p.id FOR KEY SHARE OF p;
  GET DIAGNOSTICS locked = ROW_COUNT;
  IF locked < wanted THEN
    SELECT c.prompt_id INTO missing FROM changed c WHERE NOT EXISTS (SELECT 1 FROM prompts p WHERE p.id = c.prompt_id) ORDER BY c.prompt_id LIMIT 1;
    RAISE EXCEPTION 'judge call names prompt %, which does not exist', missing
      USING ERRCODE = 'foreign_key_violation', TABLE = 'judge_calls', CONSTRAINT = 'judge_calls_prompt_id_check';
  END IF;
  SELECT count(DISTINCT batch_id) INTO wanted FROM changed;
  IF wanted > 0 THEN
    PERFORM 1 FROM judge_batches b WHERE b.id IN (SELECT DISTINCT batch_id FROM changed) ORDER BY b.id FOR KEY SHARE OF b;
    GET DIAGNOSTICS locked = ROW_COUNT;
    IF locked < wanted THEN
      SELECT c.batch_id INTO missing FROM changed c
       WHERE c.batch_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM judge_batches b WHERE b.id = c.batch_id) ORDER BY c.batch_id LIMIT 1;
      RAISE EXCEPTION 'judge call names batch %, which does not exist', missing
        USING ERRCODE = 'foreign_key_violation', TABLE = 'judge_calls', CONSTRAINT = 'judge_calls_batch_id_check';
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER judge_calls_keys_checked_insert AFTER INSERT ON judge_calls REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_check_call_keys();
CREATE TRIGGER judge_calls_keys_checked_update AFTER UPDATE ON judge_calls REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_check_call_keys();

-- The calls of deleted runs and prompts go with them; those of deleted batches keep no batch. Calls are
-- found by run through their unique key; by prompt or batch with one pass over the calls per statement
-- (the foreign keys made one per deleted prompt or batch: no index leads with either).
CREATE FUNCTION medpref_delete_calls_with() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'judge_runs' THEN
    DELETE FROM judge_calls c WHERE c.run_id IN (SELECT id FROM gone);
  ELSIF TG_TABLE_NAME = 'prompts' THEN
    DELETE FROM judge_calls c WHERE c.prompt_id IN (SELECT id FROM gone);
  ELSE
    UPDATE judge_calls c SET batch_id = NULL WHERE c.batch_id IN (SELECT id FROM gone);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER judge_runs_calls_deleted AFTER DELETE ON judge_runs REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_delete_calls_with();
CREATE TRIGGER prompts_calls_deleted AFTER DELETE ON prompts REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_delete_calls_with();
CREATE TRIGGER judge_batches_calls_unlinked AFTER DELETE ON judge_batches REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_delete_calls_with();

-- Ids never change in practice; should one, its calls follow (the keys' ON UPDATE CASCADE).
CREATE FUNCTION medpref_move_calls_with() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'judge_runs' THEN
    UPDATE judge_calls SET run_id = NEW.id WHERE run_id = OLD.id;
  ELSIF TG_TABLE_NAME = 'prompts' THEN
    UPDATE judge_calls SET prompt_id = NEW.id WHERE prompt_id = OLD.id;
  ELSE
    UPDATE judge_calls SET batch_id = NEW.id WHERE batch_id = OLD.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER judge_runs_calls_moved AFTER UPDATE OF id ON judge_runs FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION medpref_move_calls_with();
CREATE TRIGGER prompts_calls_moved AFTER UPDATE OF id ON prompts FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION medpref_move_calls_with();
CREATE TRIGGER judge_batches_calls_moved AFTER UPDATE OF id ON judge_batches FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION medpref_move_calls_with();
