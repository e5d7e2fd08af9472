-- 20261130184000_entry_candidate_check: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- A ranking entry's candidate is checked once per statement instead of by a foreign key per entry.
-- A Batch judge run of 200,000 units writes 1.6 million entries; the foreign key looked up and
-- locked (FOR KEY SHARE) the candidate of each one, and a row lock writes the row: every entry
-- rewrote a page of the completions table (1.2 GB of candidate text at 100,000 prompts) and logged
-- it — the largest single cost of storing a batch's results.
--
-- What the database still enforces, for every writer:
--  - inserted entries: one statement trigger locks the prompts of the entries' rankings FOR KEY
--    SHARE (once per prompt, as the foreign key locked each candidate), then checks with one join
--    that every entry names a candidate of its own ranking's prompt (stricter than the foreign key,
--    which accepted any prompt's candidate) and raises foreign_key_violation otherwise;
--  - a candidate is deleted only with its prompt (no writer does otherwise), and its entries go with
--    it (the foreign key's ON DELETE CASCADE); a candidate's id and prompt never change.
-- Why the prompt lock is enough: deleting a prompt conflicts with that lock, so a prompt (and its
-- candidates) cannot go away between the check and the commit of the entries; and its candidates
-- cannot go away without it.
ALTER TABLE ranking_entries DROP CONSTRAINT ranking_entries_completion_id_fkey;

-- Work per revision, not per entry: the statement's entries grouped by revision (one pass), then
-- per revision its ranking's prompt and that prompt's candidates (one short index range). Nested
-- loops only: the planner cannot know how many revisions a statement has and, guessing, chose to
-- scan every ranking and every candidate of the database.
CREATE FUNCTION medpref_check_entry_candidates() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE bad record;
BEGIN
  PERFORM 1 FROM prompts p
   WHERE p.id IN (SELECT r.prompt_id FROM (SELECT DISTINCT revision_id FROM changed) g
                    JOIN ranking_revisions rr ON rr.id = g.revision_id JOIN rankings r ON r.id = rr.ranking_id)
   ORDER BY p.id FOR KEY SHARE OF p;
  -- A new statement: it sees what committed while the locks were awaited.
  SELECT g.revision_id, g.completion_ids, r.prompt_id INTO bad
    FROM (SELECT revision_id, array_agg(completion_id) AS completion_ids FROM changed GROUP BY revision_id) g
    LEFT JOIN ranking_revisions rr ON rr.id = g.revision_id LEFT JOIN rankings r ON r.id = rr.ranking_id
   WHERE r.id IS NULL OR NOT g.completion_ids <@ ARRAY(SELECT c.id FROM completions c WHERE c.prompt_id = r.prompt_id);
  IF FOUND THEN
    RAISE EXCEPTION 'ranking entry of revision % names candidate %, which is not a candidate of its ranking''s prompt', bad.revision_id,
      (SELECT x FROM unnest(bad.completion_ids) x WHERE NOT EXISTS (SELECT 1 FROM completions c WHERE c.id = x AND c.prompt_id = bad.prompt_id) LIMIT 1)
      USING ERRCODE = 'foreign_key_violation', TABLE = 'ranking_entries', CONSTRAINT = 'ranking_entries_completion_id_check';
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER ranking_entries_candidates_checked AFTER INSERT ON ranking_entries REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_check_entry_candidates();

CREATE FUNCTION medpref_delete_candidate_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM gone g JOIN prompts p ON p.id = g.prompt_id) THEN
    RAISE EXCEPTION 'a candidate is deleted only with its prompt' USING ERRCODE = 'integrity_constraint_violation', TABLE = 'completions';
  END IF;
  DELETE FROM ranking_entries e WHERE e.completion_id IN (SELECT id FROM gone);
  RETURN NULL;
END $$;
CREATE TRIGGER completions_entries_deleted AFTER DELETE ON completions REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_delete_candidate_entries();

CREATE FUNCTION medpref_refuse_candidate_move() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'a candidate''s id and prompt never change' USING ERRCODE = 'integrity_constraint_violation', TABLE = 'completions';
END $$;
CREATE TRIGGER completions_stay_put BEFORE UPDATE OF id, prompt_id ON completions
  FOR EACH ROW WHEN (OLD.id IS DISTINCT FROM NEW.id OR OLD.prompt_id IS DISTINCT FROM NEW.prompt_id)
  EXECUTE FUNCTION medpref_refuse_candidate_move();
