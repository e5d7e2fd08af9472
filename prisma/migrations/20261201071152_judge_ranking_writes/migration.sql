-- 20261201071152_judge_ranking_writes: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- Storing a Batch run's results (200,000 judge rankings, their calls, revisions and 1.6 million entries) with
-- less work per row; every check and count stays as it was.

-- 1. The judged flag: set once per prompt, found by the prompt's key. The statement's prompts are made distinct
-- first and each is looked up in the primary key (nested loops only, as the other statement triggers): the
-- planner, seeing most flags unset at the start of a run, scanned and hashed all of prompt_ranking_counts per
-- statement (100,000 rows for a page's 2,000 prompts: 13 s of a 200,000-unit run).
CREATE OR REPLACE FUNCTION medpref_keep_prompt_rankings() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
  sign integer := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  UPDATE prompt_ranking_counts k SET human_rankings = k.human_rankings + sign * d.human, gold_rankings = k.gold_rankings + sign * d.gold,
                                     adjudicated_rankings = k.adjudicated_rankings + sign * d.adjudicated
    FROM (SELECT prompt_id, count(*) FILTER (WHERE kind = 'HUMAN') AS human, count(*) FILTER (WHERE kind = 'GOLD') AS gold,
                 count(*) FILTER (WHERE kind = 'ADJUDICATED') AS adjudicated
            FROM changed WHERE kind <> 'JUDGE' GROUP BY prompt_id) d
   WHERE k.prompt_id = d.prompt_id;
  IF TG_OP = 'INSERT' THEN
    UPDATE prompt_ranking_counts k SET judged = true
      FROM (SELECT DISTINCT prompt_id FROM changed WHERE kind = 'JUDGE') j
     WHERE k.prompt_id = j.prompt_id AND NOT k.judged;
  ELSE
    UPDATE prompt_ranking_counts k SET judged = EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = k.prompt_id AND r.kind = 'JUDGE')
      FROM (SELECT DISTINCT prompt_id FROM changed WHERE kind = 'JUDGE') j
     WHERE k.prompt_id = j.prompt_id AND k.judged;
  END IF;
  RETURN NULL;
END $$;

-- 2. A judge call's id is time-ordered (UUID version 7), as the judge rankings' and revisions' ids made by
-- lib/core/ids.ts newTimeOrderedId: a page of 4,000 calls adds its keys at the right end of the primary key's
-- index instead of 4,000 random pages of it (dirtied, and logged whole after each checkpoint).
ALTER TABLE judge_calls ALTER COLUMN id SET DEFAULT uuidv7();

-- 3. A Batch input file's line records name their batch: checked once per statement instead of by a foreign key
-- per line (a submission of 200,000 lines looked up and locked its 14 batches 200,000 times), as
-- 20261201041335_judge_call_keys did for the calls. What the database still enforces, for every writer:
--  - inserted lines, and lines whose batch is changed: one statement trigger locks the distinct batches they
--    name FOR KEY SHARE (as the key did: none can be deleted between the check and the commit) and refuses the
--    statement with foreign_key_violation naming a batch it could not lock (missing, or deleted meanwhile);
--  - a batch's deletion takes its lines (the key's ON DELETE CASCADE), by a statement trigger; a changed batch
--    id is carried to its lines (ON UPDATE CASCADE) by a row trigger that fires only when the id changes.
ALTER TABLE judge_batch_lines DROP CONSTRAINT judge_batch_lines_batch_id_fkey;

CREATE FUNCTION medpref_check_batch_line_keys() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
  wanted int;
  locked int;
  missing uuid;
BEGIN
  SELECT count(DISTINCT batch_id) INTO wanted FROM changed;
  PERFORM 1 FROM judge_batches b WHERE b.id IN (SELECT DISTINCT batch_id FROM changed) ORDER BY b.id FOR KEY SHARE OF b;
  GET DIAGNOSTICS locked = ROW_COUNT;
  IF locked < wanted THEN
    SELECT l.batch_id INTO missing FROM changed l WHERE NOT EXISTS (SELECT 1 FROM judge_batches b WHERE b.id = l.batch_id) ORDER BY l.batch_id LIMIT 1;
    RAISE EXCEPTION 'batch line names batch %, which does not exist', missing
      USING ERRCODE = 'foreign_key_violation', TABLE = 'judge_batch_lines', CONSTRAINT = 'judge_batch_lines_batch_id_check';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER judge_batch_lines_keys_checked_insert AFTER INSERT ON judge_batch_lines REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_check_batch_line_keys();
CREATE TRIGGER judge_batch_lines_keys_checked_update AFTER UPDATE ON judge_batch_lines REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_check_batch_line_keys();

-- A batch's lines are found through the primary key (batch_id leads it).
CREATE FUNCTION medpref_delete_batch_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM judge_batch_lines l WHERE l.batch_id IN (SELECT id FROM gone);
  RETURN NULL;
END $$;
CREATE TRIGGER judge_batches_lines_deleted AFTER DELETE ON judge_batches REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_delete_batch_lines();

CREATE FUNCTION medpref_move_batch_lines() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE judge_batch_lines SET batch_id = NEW.id WHERE batch_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER judge_batches_lines_moved AFTER UPDATE OF id ON judge_batches FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION medpref_move_batch_lines();

-- 4. A ranking's prompt and judge run: checked once per statement instead of by two foreign keys per ranking (a
-- Batch run's 200,000 rankings looked up and locked their run 200,000 times and each prompt once per ranking).
-- What the database still enforces, for every writer:
--  - inserted rankings, and rankings whose prompt or run is changed: one statement trigger locks the distinct
--    prompts and runs they name FOR KEY SHARE (as the keys did: none can be deleted between the check and the
--    commit) and refuses the statement with foreign_key_violation naming one it could not lock;
--  - a prompt's or a run's deletion takes its rankings (the keys' ON DELETE CASCADE) by statement triggers, the
--    rankings' own delete triggers and cascades running as before (the prompt or run is already gone when they
--    run, as with the keys); a changed id is carried to the rankings (ON UPDATE CASCADE) by row triggers that
--    fire only when the id changes.
ALTER TABLE rankings DROP CONSTRAINT rankings_prompt_id_fkey;
ALTER TABLE rankings DROP CONSTRAINT rankings_judge_run_id_fkey;

CREATE FUNCTION medpref_check_ranking_keys() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
  wanted int;
  locked int;
  missing uuid;
BEGIN
  SELECT count(DISTINCT prompt_id) INTO wanted FROM changed;
  PERFORM 1 FROM prompts p WHERE p.id IN (SELECT DISTINCT prompt_id FROM changed) ORDER BY p.id FOR KEY SHARE OF p;
  GET DIAGNOSTICS locked = ROW_COUNT;
  IF locked < wanted THEN
    SELECT r.prompt_id INTO missing FROM changed r WHERE NOT EXISTS (SELECT 1 FROM prompts p WHERE p.id = r.prompt_id) ORDER BY r.prompt_id LIMIT 1;
    RAISE EXCEPTION 'ranking names prompt %, which does not exist', missing
      USING ERRCODE = 'foreign_key_violation', TABLE = 'rankings', CONSTRAINT = 'rankings_prompt_id_check';
  END IF;
  SELECT count(DISTINCT judge_run_id) INTO wanted FROM changed;
  IF wanted > 0 THEN
    PERFORM 1 FROM judge_runs j WHERE j.id IN (SELECT DISTINCT judge_run_id FROM changed) ORDER BY j.id FOR KEY SHARE OF j;
    GET DIAGNOSTICS locked = ROW_COUNT;
    IF locked < wanted THEN
      SELECT r.judge_run_id INTO missing FROM changed r
       WHERE r.judge_run_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM judge_runs j WHERE j.id = r.judge_run_id) ORDER BY r.judge_run_id LIMIT 1;
      RAISE EXCEPTION 'ranking names judge run %, which does not exist', missing
        USING ERRCODE = 'foreign_key_violation', TABLE = 'rankings', CONSTRAINT = 'rankings_judge_run_id_check';
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER rankings_keys_checked_insert AFTER INSERT ON rankings REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_check_ranking_keys();
-- A ranking whose prompt or run changes (none does today; a new revision changes neither and is not checked again).
CREATE FUNCTION medpref_check_moved_ranking_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM 1 FROM prompts p WHERE p.id = NEW.prompt_id FOR KEY SHARE OF p;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'ranking names prompt %, which does not exist', NEW.prompt_id
      USING ERRCODE = 'foreign_key_violation', TABLE = 'rankings', CONSTRAINT = 'rankings_prompt_id_check';
  END IF;
  IF NEW.judge_run_id IS NOT NULL THEN
    PERFORM 1 FROM judge_runs j WHERE j.id = NEW.judge_run_id FOR KEY SHARE OF j;
    IF NOT FOUND THEN
      RAISE EXCEPTION 'ranking names judge run %, which does not exist', NEW.judge_run_id
        USING ERRCODE = 'foreign_key_violation', TABLE = 'rankings', CONSTRAINT = 'rankings_judge_run_id_check';
    END IF;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER rankings_keys_checked_update AFTER UPDATE OF prompt_id, judge_run_id ON rankings FOR EACH ROW
  WHEN (OLD.prompt_id IS DISTINCT FROM NEW.prompt_id OR OLD.judge_run_id IS DISTINCT FROM NEW.judge_run_id)
  EXECUTE FUNCTION medpref_check_moved_ranking_keys();

-- Found through rankings_prompt_id_kind_idx and the run's unique key.
CREATE FUNCTION medpref_delete_rankings_with() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'prompts' THEN
    DELETE FROM rankings r WHERE r.prompt_id IN (SELECT id FROM gone);
  ELSE
    DELETE FROM rankings r WHERE r.judge_run_id IN (SELECT id FROM gone);
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER prompts_rankings_deleted AFTER DELETE ON prompts REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_delete_rankings_with();
CREATE TRIGGER judge_runs_rankings_deleted AFTER DELETE ON judge_runs REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_delete_rankings_with();

CREATE FUNCTION medpref_move_rankings_with() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_TABLE_NAME = 'prompts' THEN
    UPDATE rankings SET prompt_id = NEW.id WHERE prompt_id = OLD.id;
  ELSE
    UPDATE rankings SET judge_run_id = NEW.id WHERE judge_run_id = OLD.id;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER prompts_rankings_moved AFTER UPDATE OF id ON prompts FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION medpref_move_rankings_with();
CREATE TRIGGER judge_runs_rankings_moved AFTER UPDATE OF id ON judge_runs FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id)
  EXECUTE FUNCTION medpref_move_rankings_with();
