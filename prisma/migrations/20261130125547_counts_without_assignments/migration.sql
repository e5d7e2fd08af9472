-- 20261130125547_counts_without_assignments: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.
-- The annotation loop's writes pay for counts only where a page shows them (bench:annotate: the
-- kept counts cost about 3.5 ms of PostgreSQL CPU per claim and submit: 15.5 → 12.0 ms with this).
-- 1. Assignments are no longer counted: no page shows them by status (`project show` counts them
--    when asked), and every claim and submit changes one.
DROP TRIGGER assignments_counted_insert ON assignments;
DROP TRIGGER assignments_counted_delete ON assignments;
DROP TRIGGER assignments_counted_status ON assignments;
DROP FUNCTION medpref_count_assignment_status();
DROP TRIGGER assignments_counts_truncated ON assignments;
DELETE FROM project_counts WHERE key LIKE 'assignments:%';

-- 2. Candidates and rankings are counted by one INSERT … SELECT from the transition table: the
--    jsonb detour through medpref_add_project_counts cost a submit more than the insert itself.
CREATE OR REPLACE FUNCTION medpref_count_prompt_children() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE sign int := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  IF TG_TABLE_NAME = 'completions' THEN
    INSERT INTO project_counts (project_id, key, n)
    SELECT p.project_id, 'completions', sign * count(*) FROM changed c JOIN prompts p ON p.id = c.prompt_id GROUP BY p.project_id;
  ELSE
    INSERT INTO project_counts (project_id, key, n)
    SELECT p.project_id, 'rankings:' || c.kind, sign * count(*) FROM changed c JOIN prompts p ON p.id = c.prompt_id GROUP BY p.project_id, c.kind;
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION medpref_uncount_prompt_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM medpref_add_project_counts(coalesce((SELECT jsonb_agg(jsonb_build_object('project_id', OLD.project_id, 'key', key, 'n', -n)) FROM (
    SELECT 'completions' AS key, count(*) AS n FROM completions WHERE prompt_id = OLD.id
    UNION ALL SELECT 'rankings:' || kind, count(*) FROM rankings WHERE prompt_id = OLD.id GROUP BY kind) g WHERE n > 0), '[]'));
  RETURN OLD;
END $$;

-- 3. No foreign key to projects: its check share-locked the project's one row in every
--    transaction that counts (every submit), a row all of a project's clinicians then contend on.
--    medpref_add_project_counts and the triggers above skip deltas of a deleted project (they
--    join its prompts); a project's deletion deletes its rows, and maintenance's fold drops any
--    row whose project is gone.
ALTER TABLE project_counts DROP CONSTRAINT project_counts_project_id_fkey;
CREATE FUNCTION medpref_delete_project_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM project_counts WHERE project_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER projects_counts_deleted AFTER DELETE ON projects FOR EACH ROW EXECUTE FUNCTION medpref_delete_project_counts();
