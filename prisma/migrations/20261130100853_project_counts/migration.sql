-- Counts of a project's prompts, candidates, rankings by kind and assignments by status, kept by
-- triggers so the project page reads them instead of counting 800,000 completions per view.
-- Keys: 'prompts', 'completions', 'rankings:<kind>', 'assignments:<status>'; a count is the sum of
-- its key's rows. Rankings and assignments are counted by the triggers below; prompts and
-- completions by the code that inserts them (the import's COPY batches and generation runs, through
-- lib/projects/project-counts.ts), because a statement trigger's transition table would copy every
-- candidate's text once more; deletions of any of them by the triggers. Writers only insert delta rows: no writer ever waits on another's row lock (an
-- import's transaction may last minutes while clinicians claim); maintenance folds the deltas
-- (lib/projects/project-counts.ts).
CREATE TABLE project_counts (
  id bigserial PRIMARY KEY,
  project_id uuid NOT NULL REFERENCES projects(id) ON DELETE CASCADE,
  key text NOT NULL,
  n bigint NOT NULL
);
CREATE INDEX project_counts_project_id_key_idx ON project_counts (project_id, key);

-- A project being deleted takes its counts with it: deltas of its cascaded rows are dropped.
CREATE FUNCTION medpref_add_project_counts(deltas jsonb) RETURNS void LANGUAGE sql AS $$
  INSERT INTO project_counts (project_id, key, n)
  SELECT (d->>'project_id')::uuid, d->>'key', (d->>'n')::bigint FROM jsonb_array_elements(deltas) d
   WHERE EXISTS (SELECT 1 FROM projects p WHERE p.id = (d->>'project_id')::uuid)
$$;

-- One function per table and direction; the rows come from the statement's transition table.
-- Deleted prompts (inserted ones are counted by the import).
CREATE FUNCTION medpref_uncount_prompts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM medpref_add_project_counts(coalesce((SELECT jsonb_agg(jsonb_build_object('project_id', project_id, 'key', 'prompts', 'n', -n))
    FROM (SELECT project_id, count(*) AS n FROM changed GROUP BY project_id) g), '[]'));
  RETURN NULL;
END $$;

-- Children are counted through their prompt. A prompt's deletion subtracts its children first (row
-- trigger, before the cascade); the cascaded child deletions then find no prompt and add nothing.
CREATE FUNCTION medpref_count_prompt_children() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE sign int := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  IF TG_TABLE_NAME = 'completions' THEN
    PERFORM medpref_add_project_counts(coalesce((SELECT jsonb_agg(jsonb_build_object('project_id', project_id, 'key', 'completions', 'n', sign * n))
      FROM (SELECT p.project_id, count(*) AS n FROM changed c JOIN prompts p ON p.id = c.prompt_id GROUP BY p.project_id) g), '[]'));
  ELSIF TG_TABLE_NAME = 'rankings' THEN
    PERFORM medpref_add_project_counts(coalesce((SELECT jsonb_agg(jsonb_build_object('project_id', project_id, 'key', 'rankings:' || kind, 'n', sign * n))
      FROM (SELECT p.project_id, c.kind, count(*) AS n FROM changed c JOIN prompts p ON p.id = c.prompt_id GROUP BY p.project_id, c.kind) g), '[]'));
  ELSE
    PERFORM medpref_add_project_counts(coalesce((SELECT jsonb_agg(jsonb_build_object('project_id', project_id, 'key', 'assignments:' || status, 'n', sign * n))
      FROM (SELECT p.project_id, c.status, count(*) AS n FROM changed c JOIN prompts p ON p.id = c.prompt_id GROUP BY p.project_id, c.status) g), '[]'));
  END IF;
  RETURN NULL;
END $$;

-- An assignment changing status moves one count from the old status to the new.
CREATE FUNCTION medpref_count_assignment_status() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM medpref_add_project_counts(coalesce((SELECT jsonb_agg(jsonb_build_object('project_id', project_id, 'key', 'assignments:' || status, 'n', n))
    FROM (SELECT p.project_id, s.status, sum(s.n) AS n FROM (
            SELECT prompt_id, status::text AS status, -1 AS n FROM old_rows
            UNION ALL SELECT prompt_id, status::text, 1 FROM new_rows) s
          JOIN prompts p ON p.id = s.prompt_id GROUP BY p.project_id, s.status HAVING sum(s.n) <> 0) g), '[]'));
  RETURN NULL;
END $$;

CREATE FUNCTION medpref_uncount_prompt_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM medpref_add_project_counts(coalesce((SELECT jsonb_agg(jsonb_build_object('project_id', OLD.project_id, 'key', key, 'n', -n)) FROM (
    SELECT 'completions' AS key, count(*) AS n FROM completions WHERE prompt_id = OLD.id
    UNION ALL SELECT 'rankings:' || kind, count(*) FROM rankings WHERE prompt_id = OLD.id GROUP BY kind
    UNION ALL SELECT 'assignments:' || status, count(*) FROM assignments WHERE prompt_id = OLD.id GROUP BY status) g WHERE n > 0), '[]'));
  RETURN OLD;
END $$;

CREATE TRIGGER prompts_counted_delete AFTER DELETE ON prompts REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION medpref_uncount_prompts();
CREATE TRIGGER prompts_children_uncounted BEFORE DELETE ON prompts FOR EACH ROW EXECUTE FUNCTION medpref_uncount_prompt_children();
CREATE TRIGGER completions_counted_delete AFTER DELETE ON completions REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_prompt_children();
CREATE TRIGGER rankings_counted_insert AFTER INSERT ON rankings REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_prompt_children();
CREATE TRIGGER rankings_counted_delete AFTER DELETE ON rankings REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_prompt_children();
CREATE TRIGGER assignments_counted_insert AFTER INSERT ON assignments REFERENCING NEW TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_prompt_children();
CREATE TRIGGER assignments_counted_delete AFTER DELETE ON assignments REFERENCING OLD TABLE AS changed FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_prompt_children();
CREATE TRIGGER assignments_counted_status AFTER UPDATE ON assignments REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_assignment_status();

-- TRUNCATE fires no delete trigger: it forgets the counts of what it empties.
CREATE FUNCTION medpref_forget_truncated_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM project_counts WHERE TG_TABLE_NAME = 'prompts'
     OR key = 'completions' AND TG_TABLE_NAME = 'completions'
     OR key LIKE 'rankings:%' AND TG_TABLE_NAME = 'rankings'
     OR key LIKE 'assignments:%' AND TG_TABLE_NAME = 'assignments';
  RETURN NULL;
END $$;
CREATE TRIGGER prompts_counts_truncated AFTER TRUNCATE ON prompts FOR EACH STATEMENT EXECUTE FUNCTION medpref_forget_truncated_counts();
CREATE TRIGGER completions_counts_truncated AFTER TRUNCATE ON completions FOR EACH STATEMENT EXECUTE FUNCTION medpref_forget_truncated_counts();
CREATE TRIGGER rankings_counts_truncated AFTER TRUNCATE ON rankings FOR EACH STATEMENT EXECUTE FUNCTION medpref_forget_truncated_counts();
CREATE TRIGGER assignments_counts_truncated AFTER TRUNCATE ON assignments FOR EACH STATEMENT EXECUTE FUNCTION medpref_forget_truncated_counts();

-- What the projects have today.
INSERT INTO project_counts (project_id, key, n)
SELECT project_id, key, n FROM (
  SELECT project_id, 'prompts' AS key, count(*) AS n FROM prompts GROUP BY project_id
  UNION ALL SELECT p.project_id, 'completions', count(*) FROM completions c JOIN prompts p ON p.id = c.prompt_id GROUP BY p.project_id
  UNION ALL SELECT p.project_id, 'rankings:' || r.kind, count(*) FROM rankings r JOIN prompts p ON p.id = r.prompt_id GROUP BY p.project_id, r.kind
  UNION ALL SELECT p.project_id, 'assignments:' || a.status, count(*) FROM assignments a JOIN prompts p ON p.id = a.prompt_id GROUP BY p.project_id, a.status) t;
