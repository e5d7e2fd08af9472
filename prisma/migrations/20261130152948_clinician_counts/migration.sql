-- 20261130152948_clinician_counts: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.
-- Clinician progress (the project page's "Annotation progress by clinician") from kept counts: it
-- joined every assignment, ranking and first revision of the project per view (2.8 s at 100,000
-- prompts). Per project and clinician, delta rows like project_counts: 'assigned' (assignments of
-- any status), 'submitted', 'skipped', 'day:<YYYY-MM-DD>' (submitted that day, in the server's time
-- zone) and 'seconds:<s>' (submitted assignments whose ranking's first revision took s seconds,
-- rounded: the median is read from this histogram). One INSERT per claim and per submit; active
-- leases are counted from the (status, lease_expires_at) index when read, as they expire with time.
-- No foreign keys (they would share-lock the project's and the user's rows in every submit); the
-- fold (lib/annotation/clinician-progress.ts, maintenance) drops rows of gone projects.
CREATE TABLE clinician_counts (
  id bigserial PRIMARY KEY,
  project_id uuid NOT NULL,
  user_id uuid NOT NULL,
  key text NOT NULL,
  n bigint NOT NULL
);
CREATE INDEX clinician_counts_project_id_user_id_key_idx ON clinician_counts (project_id, user_id, key);

-- The keys an assignment counts under. A submit stores the ranking and its first revision before it
-- closes the assignment, so the time on task is there to read.
CREATE FUNCTION medpref_clinician_count_keys(assignment uuid, status assignment_status, finished timestamptz) RETURNS SETOF text
LANGUAGE sql STABLE AS $$
  SELECT 'assigned'
  UNION ALL SELECT 'submitted' WHERE status = 'SUBMITTED'
  UNION ALL SELECT 'day:' || to_char(finished, 'YYYY-MM-DD') WHERE status = 'SUBMITTED' AND finished IS NOT NULL
  UNION ALL SELECT 'skipped' WHERE status = 'SKIPPED'
  UNION ALL SELECT 'seconds:' || round(rr.time_on_task_ms / 1000.0)::bigint
              FROM rankings r JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = 1
             WHERE status = 'SUBMITTED' AND r.assignment_id = assignment AND rr.time_on_task_ms IS NOT NULL
$$;

-- Inserted and deleted assignments: one INSERT … SELECT per statement, from its transition table.
CREATE FUNCTION medpref_count_clinician_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO clinician_counts (project_id, user_id, key, n)
    SELECT p.project_id, a.user_id, k.key, count(*)
      FROM changed a JOIN prompts p ON p.id = a.prompt_id, medpref_clinician_count_keys(a.id, a.status, a.finished_at) k(key)
     GROUP BY p.project_id, a.user_id, k.key;
  ELSE
    INSERT INTO clinician_counts (project_id, user_id, key, n)
    SELECT p.project_id, a.user_id, k.key, -count(*)
      FROM changed a JOIN prompts p ON p.id = a.prompt_id, medpref_clinician_count_keys(a.id, a.status, a.finished_at) k(key)
     GROUP BY p.project_id, a.user_id, k.key;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER assignments_clinician_counted_insert AFTER INSERT ON assignments REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_clinician_assignments();
CREATE TRIGGER assignments_clinician_counted_delete AFTER DELETE ON assignments REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_clinician_assignments();

-- Updated assignments: a row trigger whose WHEN skips every update that moves no count (draft
-- saves, lease extensions: no function call at all); a submit or skip inserts the keys it moves.
-- (A statement trigger cannot be limited to columns when it reads transition tables.)
CREATE FUNCTION medpref_count_clinician_assignment_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO clinician_counts (project_id, user_id, key, n)
  SELECT p.project_id, c.user_id, c.key, sum(c.n)
    FROM (SELECT OLD.prompt_id AS prompt_id, OLD.user_id AS user_id, k.key, -1 AS n FROM medpref_clinician_count_keys(OLD.id, OLD.status, OLD.finished_at) k(key)
          UNION ALL
          SELECT NEW.prompt_id, NEW.user_id, k.key, 1 FROM medpref_clinician_count_keys(NEW.id, NEW.status, NEW.finished_at) k(key)) c
    JOIN prompts p ON p.id = c.prompt_id
   GROUP BY p.project_id, c.user_id, c.key HAVING sum(c.n) <> 0;
  RETURN NULL;
END $$;
CREATE TRIGGER assignments_clinician_counted_update AFTER UPDATE OF status, finished_at, prompt_id, user_id ON assignments FOR EACH ROW
  WHEN (OLD.status IS DISTINCT FROM NEW.status OR OLD.finished_at IS DISTINCT FROM NEW.finished_at
        OR OLD.prompt_id IS DISTINCT FROM NEW.prompt_id OR OLD.user_id IS DISTINCT FROM NEW.user_id)
  EXECUTE FUNCTION medpref_count_clinician_assignment_change();

-- A prompt's deletion takes its assignments' counts with it (before the cascade, while its
-- assignments still find their prompt and their rankings).
CREATE FUNCTION medpref_uncount_prompt_assignments() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO clinician_counts (project_id, user_id, key, n)
  SELECT OLD.project_id, a.user_id, k.key, -count(*)
    FROM assignments a, medpref_clinician_count_keys(a.id, a.status, a.finished_at) k(key)
   WHERE a.prompt_id = OLD.id GROUP BY a.user_id, k.key;
  RETURN OLD;
END $$;
CREATE TRIGGER prompts_assignments_uncounted BEFORE DELETE ON prompts FOR EACH ROW EXECUTE FUNCTION medpref_uncount_prompt_assignments();

CREATE FUNCTION medpref_delete_clinician_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM clinician_counts WHERE project_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER projects_clinician_counts_deleted AFTER DELETE ON projects FOR EACH ROW EXECUTE FUNCTION medpref_delete_clinician_counts();

-- A project's counts counted afresh (this migration; a benchmark that writes assignments and
-- rankings straight in SQL, in another order than a submit).
CREATE FUNCTION medpref_recount_clinician_counts(project uuid) RETURNS void LANGUAGE sql AS $$
  DELETE FROM clinician_counts WHERE project_id = project;
  INSERT INTO clinician_counts (project_id, user_id, key, n)
  SELECT project, a.user_id, k.key, count(*)
    FROM assignments a JOIN prompts p ON p.id = a.prompt_id, medpref_clinician_count_keys(a.id, a.status, a.finished_at) k(key)
   WHERE p.project_id = project GROUP BY a.user_id, k.key;
$$;
SELECT medpref_recount_clinician_counts(id) FROM projects;

CREATE FUNCTION medpref_forget_truncated_clinician_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM clinician_counts;
  RETURN NULL;
END $$;
CREATE TRIGGER assignments_clinician_counts_truncated AFTER TRUNCATE ON assignments FOR EACH STATEMENT EXECUTE FUNCTION medpref_forget_truncated_clinician_counts();
