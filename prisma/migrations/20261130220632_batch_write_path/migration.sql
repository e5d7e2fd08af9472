-- 20261130220632_batch_write_path: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- Storing a Batch run's results, cheaper per row (a run of 200,000 units writes 1.6 million entries and
-- 200,000 calls), with the same integrity enforced by the database for every writer.

-- 1. A ranking entry's revision is checked by the entries' statement trigger instead of a foreign key
-- (whose row trigger looked up and locked the revision once per entry: 8 times per revision). The
-- trigger now locks each revision once FOR KEY SHARE (as the key did: a revision cannot be deleted
-- between the check and the commit), then each ranking's prompt, and refuses (foreign_key_violation)
-- an entry whose revision does not exist or whose candidate is not one of its ranking's prompt. The
-- candidates are compared once per prompt (P revisions of a judge run share one) by an index-only
-- range of completions_report_idx; bitmap scans are off (a bitmap per revision cost more than the range).
-- Entries go with their revision (the key's ON DELETE CASCADE) by a statement trigger; a revision's
-- id never changes (ranking_revisions_immutable refuses every update).
ALTER TABLE ranking_entries DROP CONSTRAINT ranking_entries_revision_id_fkey;

CREATE OR REPLACE FUNCTION medpref_check_entry_candidates() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off SET enable_bitmapscan = off AS $$
DECLARE bad record;
BEGIN
  PERFORM 1 FROM ranking_revisions rr WHERE rr.id IN (SELECT DISTINCT revision_id FROM changed) ORDER BY rr.id FOR KEY SHARE OF rr;
  PERFORM 1 FROM prompts p
   WHERE p.id IN (SELECT r.prompt_id FROM (SELECT DISTINCT revision_id FROM changed) g
                    JOIN ranking_revisions rr ON rr.id = g.revision_id JOIN rankings r ON r.id = rr.ranking_id)
   ORDER BY p.id FOR KEY SHARE OF p;
  -- A new statement: it sees what committed while the locks were awaited.
  WITH rp AS MATERIALIZED (
    SELECT g.revision_id, g.completion_ids, r.prompt_id
      FROM (SELECT revision_id, array_agg(completion_id) AS completion_ids FROM changed GROUP BY revision_id) g
      LEFT JOIN ranking_revisions rr ON rr.id = g.revision_id LEFT JOIN rankings r ON r.id = rr.ranking_id)
  SELECT rp.revision_id, rp.completion_ids, rp.prompt_id INTO bad FROM rp WHERE rp.prompt_id IS NULL
  UNION ALL
  SELECT NULL, x.completion_ids, x.prompt_id
    FROM (SELECT rp.prompt_id, array_agg(u) AS completion_ids FROM rp, unnest(rp.completion_ids) u WHERE rp.prompt_id IS NOT NULL GROUP BY rp.prompt_id) x
   WHERE NOT x.completion_ids <@ ARRAY(SELECT c.id FROM completions c WHERE c.prompt_id = x.prompt_id)
  LIMIT 1;
  IF FOUND AND bad.prompt_id IS NULL THEN
    RAISE EXCEPTION 'ranking entry names revision %, which does not exist', bad.revision_id
      USING ERRCODE = 'foreign_key_violation', TABLE = 'ranking_entries', CONSTRAINT = 'ranking_entries_revision_id_check';
  ELSIF FOUND THEN
    -- Refused: which entry (its revision and candidate) is looked up only now.
    SELECT e.revision_id, e.completion_id INTO bad FROM changed e JOIN ranking_revisions rr ON rr.id = e.revision_id JOIN rankings r ON r.id = rr.ranking_id
     WHERE r.prompt_id = bad.prompt_id AND NOT EXISTS (SELECT 1 FROM completions c WHERE c.id = e.completion_id AND c.prompt_id = r.prompt_id)
     ORDER BY e.revision_id, e.completion_id LIMIT 1;
    RAISE EXCEPTION 'ranking entry of revision % names candidate %, which is not a candidate of its ranking''s prompt', bad.revision_id, bad.completion_id
      USING ERRCODE = 'foreign_key_violation', TABLE = 'ranking_entries', CONSTRAINT = 'ranking_entries_completion_id_check';
  END IF;
  RETURN NULL;
END $$;

CREATE FUNCTION medpref_delete_revision_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM ranking_entries e WHERE e.revision_id IN (SELECT id FROM gone);
  RETURN NULL;
END $$;
CREATE TRIGGER ranking_revisions_entries_deleted AFTER DELETE ON ranking_revisions REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_delete_revision_entries();

-- 2. No reader looks entries up by candidate alone (every query reaches them through their revision: the
-- primary key's prefix) but the deletion of a prompt's candidates, which now finds them through the
-- prompt's rankings: an entry names a candidate of its own ranking's prompt (the insert trigger above).
-- So the candidate index goes: one random index insert less per entry.
DROP INDEX ranking_entries_completion_id_idx;
CREATE OR REPLACE FUNCTION medpref_delete_candidate_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF EXISTS (SELECT 1 FROM gone g JOIN prompts p ON p.id = g.prompt_id) THEN
    RAISE EXCEPTION 'a candidate is deleted only with its prompt' USING ERRCODE = 'integrity_constraint_violation', TABLE = 'completions';
  END IF;
  DELETE FROM ranking_entries e USING rankings r, ranking_revisions rr
   WHERE r.prompt_id IN (SELECT DISTINCT prompt_id FROM gone) AND rr.ranking_id = r.id AND e.revision_id = rr.id
     AND e.completion_id IN (SELECT id FROM gone);
  RETURN NULL;
END $$;

-- 3. A run's failed calls (the run page's list, a run's failure cause) are the only readers by status;
-- the average output of its succeeded calls reads nearly every call of the run either way. So only
-- failed calls are indexed, in time order: an index entry per failed call instead of one per call.
DROP INDEX judge_calls_run_id_status_idx;
CREATE INDEX judge_calls_failed_idx ON judge_calls (run_id, created_at) WHERE status = 'FAILED';
