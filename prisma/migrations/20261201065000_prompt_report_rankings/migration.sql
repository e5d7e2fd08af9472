-- 20261201065000_prompt_report_rankings: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- Each prompt's rankings as the agreement report reads them, one row per prompt with any ranking, kept by
-- statement triggers wherever what the report reads of a ranking changes. The report's load reads a
-- project's rows in prompt order from an index (100,000 rows of text at 100,000 prompts) instead of
-- joining rankings, revisions and revision_ranks and sorting 510,000 rankings (2.4 s of PostgreSQL).
-- No foreign key (a key check locks the prompt once per row): a prompt's row goes with its rankings.
CREATE TABLE prompt_report_rankings (
  prompt_id uuid PRIMARY KEY,
  project_id uuid NOT NULL,
  -- The latest revision of every ranking of the prompt, in a fixed order — kind (HUMAN, GOLD,
  -- ADJUDICATED, JUDGE as 0–3), rater, run, permutation, id — separated by "|", each
  -- "kind rater run permutation fromAssignment timeOnTaskMs flagged createdMs entries" ("-" for none;
  -- createdMs, the revision's creation in ms since 1970, for human rankings only: the report's date
  -- filter), `entries` being its revision_ranks entries. lib/agreement/load-report-data.ts parses it.
  rankings text NOT NULL
);
CREATE INDEX prompt_report_rankings_project_id_prompt_id_idx ON prompt_report_rankings (project_id, prompt_id);

-- Recomputes the rows of the given prompts from their rankings (a prompt with none left loses its row).
-- Two writers of one prompt's rankings take turns on its prompt_ranking_counts row (made with every
-- prompt), so the one that writes last has seen the other's rankings: each computes in a statement
-- that starts once the locks are held (READ COMMITTED: it sees what committed meanwhile). A Batch page
-- names about 2,000 prompts: the planner hashed all of ranking_revisions and prompts for them (0.5–0.8 s
-- at 100,000 prompts) where index lookups per ranking take a few milliseconds, so only those are allowed.
CREATE FUNCTION medpref_refresh_report_rankings(ids uuid[]) RETURNS void LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  PERFORM 1 FROM prompt_ranking_counts k WHERE k.prompt_id = ANY(ids) ORDER BY k.prompt_id FOR NO KEY UPDATE;
  WITH fresh AS (
    SELECT r.prompt_id,
           string_agg(concat_ws(' ', CASE r.kind WHEN 'HUMAN' THEN 0 WHEN 'GOLD' THEN 1 WHEN 'ADJUDICATED' THEN 2 ELSE 3 END,
                                coalesce(r.rater_id::text, '-'), coalesce(r.judge_run_id::text, '-'),
                                coalesce(r.permutation_index::text, '-'), (r.assignment_id IS NOT NULL)::int,
                                coalesce(rr.time_on_task_ms::text, '-'), (cardinality(rr.flags) > 0 OR x.entries_flagged)::int,
                                CASE WHEN r.kind = 'HUMAN' THEN (extract(epoch FROM rr.created_at) * 1000)::bigint::text ELSE '-' END,
                                x.entries),
                      '|' ORDER BY CASE r.kind WHEN 'HUMAN' THEN 0 WHEN 'GOLD' THEN 1 WHEN 'ADJUDICATED' THEN 2 ELSE 3 END,
                                   r.rater_id NULLS FIRST, r.judge_run_id NULLS FIRST, r.permutation_index NULLS FIRST, r.id) AS rankings
      FROM rankings r
      JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
      JOIN revision_ranks x ON x.revision_id = rr.id
     WHERE r.prompt_id = ANY(ids)
     GROUP BY r.prompt_id),
  gone AS (
    DELETE FROM prompt_report_rankings t WHERE t.prompt_id = ANY(ids) AND t.prompt_id NOT IN (SELECT f.prompt_id FROM fresh f))
  INSERT INTO prompt_report_rankings AS t (prompt_id, project_id, rankings)
  SELECT f.prompt_id, p.project_id, f.rankings FROM fresh f JOIN prompts p ON p.id = f.prompt_id
  ON CONFLICT (prompt_id) DO UPDATE SET rankings = EXCLUDED.rankings WHERE t.rankings IS DISTINCT FROM EXCLUDED.rankings;
END $$;

-- A revision's ranks written (its entries inserted): the prompts whose rankings it is the latest revision of.
CREATE FUNCTION medpref_report_rankings_of_revisions() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM medpref_refresh_report_rankings(ARRAY(
    SELECT DISTINCT r.prompt_id FROM changed c JOIN ranking_revisions rr ON rr.id = c.revision_id
      JOIN rankings r ON r.id = rr.ranking_id AND r.revision = rr.revision));
  RETURN NULL;
END $$;
CREATE TRIGGER revision_ranks_report_inserted AFTER INSERT ON revision_ranks REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_report_rankings_of_revisions();
CREATE TRIGGER revision_ranks_report_updated AFTER UPDATE ON revision_ranks REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_report_rankings_of_revisions();

-- A ranking deleted, or changed in what the report reads (its latest revision, rater, run, whether an
-- assignment made it: an assignment's deletion clears it). A new ranking has no ranks yet: its
-- revision's ranks bring it in.
CREATE FUNCTION medpref_report_rankings_of_rankings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM medpref_refresh_report_rankings(ARRAY(SELECT DISTINCT prompt_id FROM gone));
  ELSE
    PERFORM medpref_refresh_report_rankings(ARRAY(
      SELECT DISTINCT unnest(ARRAY[o.prompt_id, n.prompt_id]) FROM gone o JOIN changed n ON n.id = o.id
       WHERE (o.prompt_id, o.kind, o.rater_id, o.judge_run_id, o.permutation_index, o.assignment_id IS NULL, o.revision)
             IS DISTINCT FROM (n.prompt_id, n.kind, n.rater_id, n.judge_run_id, n.permutation_index, n.assignment_id IS NULL, n.revision)));
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER rankings_report_deleted AFTER DELETE ON rankings REFERENCING OLD TABLE AS gone
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_report_rankings_of_rankings();
CREATE TRIGGER rankings_report_updated AFTER UPDATE ON rankings REFERENCING OLD TABLE AS gone NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_report_rankings_of_rankings();

CREATE FUNCTION medpref_forget_report_rankings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM prompt_report_rankings;
  RETURN NULL;
END $$;
CREATE TRIGGER rankings_report_truncated AFTER TRUNCATE ON rankings FOR EACH STATEMENT EXECUTE FUNCTION medpref_forget_report_rankings();
CREATE TRIGGER ranking_revisions_report_truncated AFTER TRUNCATE ON ranking_revisions FOR EACH STATEMENT EXECUTE FUNCTION medpref_forget_report_rankings();
CREATE TRIGGER revision_ranks_report_truncated AFTER TRUNCATE ON revision_ranks FOR EACH STATEMENT EXECUTE FUNCTION medpref_forget_report_rankings();

-- Every prompt's rankings today.
SELECT medpref_refresh_report_rankings(ARRAY(SELECT DISTINCT prompt_id FROM rankings));
