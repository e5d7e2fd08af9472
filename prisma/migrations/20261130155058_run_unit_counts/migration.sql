-- 20261130155058_run_unit_counts: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.
-- A run's units by state, kept: the run page and the runs list counted a run's units per view
-- (200,000 for a Batch run over 100,000 prompts with P = 2). Delta rows like project_counts,
-- written by statement triggers on judge_units, so every writer of a unit's state is counted (the
-- outcome's group commit, retries, cancellation, imports, cascades) and no writer waits on another's
-- row lock. `at` dates each delta: the pace of a running run sums the units finished inside its
-- window; maintenance folds a run's rows into one per state and minute. No foreign key (a delta
-- inserted while its run is deleted would fail the deletion); the run's deletion deletes its rows.
CREATE TABLE judge_run_unit_counts (
  id bigserial PRIMARY KEY,
  run_id uuid NOT NULL,
  state unit_state NOT NULL,
  n bigint NOT NULL,
  at timestamptz(3) NOT NULL DEFAULT now()
);
CREATE INDEX judge_run_unit_counts_run_id_state_idx ON judge_run_unit_counts (run_id, state);

CREATE FUNCTION medpref_count_run_units() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO judge_run_unit_counts (run_id, state, n) SELECT run_id, state, count(*) FROM new_rows GROUP BY run_id, state;
  ELSIF TG_OP = 'DELETE' THEN
    -- Units cascading from their run's deletion find no run and add nothing.
    INSERT INTO judge_run_unit_counts (run_id, state, n)
    SELECT run_id, state, -count(*) FROM old_rows u WHERE EXISTS (SELECT 1 FROM judge_runs r WHERE r.id = u.run_id) GROUP BY run_id, state;
  ELSE
    INSERT INTO judge_run_unit_counts (run_id, state, n)
    SELECT run_id, state, sum(n) FROM (SELECT run_id, state, -1 AS n FROM old_rows UNION ALL SELECT run_id, state, 1 FROM new_rows) s
     GROUP BY run_id, state HAVING sum(n) <> 0;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER judge_units_counted_insert AFTER INSERT ON judge_units REFERENCING NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_run_units();
CREATE TRIGGER judge_units_counted_update AFTER UPDATE ON judge_units REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_run_units();
CREATE TRIGGER judge_units_counted_delete AFTER DELETE ON judge_units REFERENCING OLD TABLE AS old_rows
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_count_run_units();

CREATE FUNCTION medpref_delete_run_unit_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM judge_run_unit_counts WHERE run_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER judge_runs_unit_counts_deleted AFTER DELETE ON judge_runs FOR EACH ROW EXECUTE FUNCTION medpref_delete_run_unit_counts();

CREATE FUNCTION medpref_forget_truncated_run_unit_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM judge_run_unit_counts;
  RETURN NULL;
END $$;
CREATE TRIGGER judge_units_counts_truncated AFTER TRUNCATE ON judge_units FOR EACH STATEMENT EXECUTE FUNCTION medpref_forget_truncated_run_unit_counts();

-- What the runs have today, dated by their units' last change.
INSERT INTO judge_run_unit_counts (run_id, state, n, at)
SELECT run_id, state, count(*), date_trunc('minute', updated_at) FROM judge_units GROUP BY run_id, state, date_trunc('minute', updated_at);
