-- 20261201094105_judge_report_rankings: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- Judge rankings leave prompt_report_rankings. Storing a Batch page's judge rankings rewrote the whole text of
-- each of its prompts — the clinicians' rankings included, joined again from rankings, revisions and
-- revision_ranks — although a judge ranking, once stored, never changes. Now prompt_report_rankings holds the
-- clinicians' (HUMAN, GOLD, ADJUDICATED) rankings only, and a prompt's judge rankings are kept one row per
-- (prompt, run), their pieces added by the statement that stores their ranks and never recomputed. The
-- report's load (lib/agreement/load-report-data.ts) appends a prompt's judge rows, in run order, to its
-- clinicians' text: the same text, in the same order (kind, rater, run, permutation), as before.

CREATE TABLE judge_report_rankings (
  prompt_id uuid NOT NULL,
  judge_run_id uuid NOT NULL,
  project_id uuid NOT NULL,
  -- The latest revision of each of the run's rankings of the prompt, by permutation, as in
  -- prompt_report_rankings ("3 - run permutation fromAssignment timeOnTaskMs flagged - entries", "|" between).
  rankings text NOT NULL,
  PRIMARY KEY (prompt_id, judge_run_id)
);
-- The report's load reads a project's rows in prompt, then run order.
CREATE INDEX judge_report_rankings_project_id_prompt_id_judge_run_id_idx ON judge_report_rankings (project_id, prompt_id, judge_run_id);

-- A (prompt, run) row's pieces with `added`'s pieces put in (replacing those of the same permutations) and
-- those of the `removed` permutations taken out, ordered by permutation (a run has one ranking per prompt and
-- permutation); null when none is left. Pieces are changed in place rather than recomputed from the rankings:
-- ON CONFLICT and UPDATE read the row's latest committed version, so two writers of one row, one after the
-- other, both keep their pieces (a recomputing statement would not see rankings committed after it started).
CREATE FUNCTION medpref_merge_judge_report_rankings(kept text, added text, removed int[]) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT string_agg(piece, '|' ORDER BY split_part(piece, ' ', 4)::int)
    FROM (SELECT piece FROM unnest(string_to_array(kept, '|')) piece
           WHERE split_part(piece, ' ', 4)::int <> ALL (removed || ARRAY(SELECT split_part(a, ' ', 4)::int FROM unnest(string_to_array(added, '|')) a))
          UNION ALL
          SELECT unnest(string_to_array(added, '|'))) pieces
$$;

-- A judge ranking's piece of its row, as the clinicians' pieces of prompt_report_rankings are written (kind 3, no
-- rater, no creation time). A plain SQL expression the planner inlines: STABLE as concat_ws is (an IMMUTABLE
-- function over a stable one is called once per row instead).
CREATE FUNCTION medpref_judge_report_piece(run uuid, permutation int, from_assignment boolean, time_on_task_ms int, flags text[],
                                           entries text, entries_flagged boolean) RETURNS text
LANGUAGE sql STABLE PARALLEL SAFE AS $$
  SELECT concat_ws(' ', 3, '-', run::text, permutation::text, from_assignment::int, coalesce(time_on_task_ms::text, '-'),
                   (cardinality(flags) > 0 OR entries_flagged)::int, '-', entries)
$$;

-- The judge rankings among `ids` (latest revisions with ranks), put into their (prompt, run) rows.
CREATE FUNCTION medpref_add_judge_report_rankings(ids uuid[]) RETURNS void LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF cardinality(ids) = 0 THEN
    RETURN;
  END IF;
  INSERT INTO judge_report_rankings AS t (prompt_id, judge_run_id, project_id, rankings)
  SELECT n.prompt_id, n.judge_run_id, p.project_id, n.rankings
    FROM (SELECT r.prompt_id, r.judge_run_id,
                 string_agg(medpref_judge_report_piece(r.judge_run_id, r.permutation_index, r.assignment_id IS NOT NULL, rr.time_on_task_ms,
                                                       rr.flags, x.entries, x.entries_flagged),
                            '|' ORDER BY r.permutation_index) AS rankings
            FROM rankings r
            JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
            JOIN revision_ranks x ON x.revision_id = rr.id
           WHERE r.id = ANY(ids) AND r.kind = 'JUDGE'
           GROUP BY r.prompt_id, r.judge_run_id) n
    JOIN prompts p ON p.id = n.prompt_id
   ORDER BY n.prompt_id, n.judge_run_id
  ON CONFLICT (prompt_id, judge_run_id) DO UPDATE SET rankings = medpref_merge_judge_report_rankings(t.rankings, EXCLUDED.rankings, '{}');
END $$;

-- The pieces of the given judge rankings (prompt, run, permutation as they were) taken out of their rows.
CREATE FUNCTION medpref_remove_judge_report_rankings(prompt_ids uuid[], run_ids uuid[], permutations int[]) RETURNS void
LANGUAGE plpgsql SET enable_hashjoin = off SET enable_mergejoin = off AS $$
BEGIN
  IF cardinality(prompt_ids) = 0 THEN
    RETURN;
  END IF;
  WITH removed AS (
    SELECT prompt_id, judge_run_id, array_agg(permutation_index) AS permutations
      FROM unnest(prompt_ids, run_ids, permutations) AS g(prompt_id, judge_run_id, permutation_index)
     GROUP BY prompt_id, judge_run_id)
  UPDATE judge_report_rankings t SET rankings = coalesce(medpref_merge_judge_report_rankings(t.rankings, NULL, d.permutations), '')
    FROM removed d
   WHERE t.prompt_id = d.prompt_id AND t.judge_run_id = d.judge_run_id;
  DELETE FROM judge_report_rankings t
   WHERE t.rankings = '' AND (t.prompt_id, t.judge_run_id) IN (SELECT DISTINCT g.p, g.j FROM unnest(prompt_ids, run_ids) AS g(p, j));
END $$;

-- The clinicians' rankings only, from now on.
CREATE OR REPLACE FUNCTION medpref_refresh_report_rankings(ids uuid[]) RETURNS void LANGUAGE plpgsql
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
     WHERE r.prompt_id = ANY(ids) AND r.kind <> 'JUDGE'
     GROUP BY r.prompt_id),
  gone AS (
    DELETE FROM prompt_report_rankings t WHERE t.prompt_id = ANY(ids) AND t.prompt_id NOT IN (SELECT f.prompt_id FROM fresh f))
  INSERT INTO prompt_report_rankings AS t (prompt_id, project_id, rankings)
  SELECT f.prompt_id, p.project_id, f.rankings FROM fresh f JOIN prompts p ON p.id = f.prompt_id
  ON CONFLICT (prompt_id) DO UPDATE SET rankings = EXCLUDED.rankings WHERE t.rankings IS DISTINCT FROM EXCLUDED.rankings;
END $$;

-- A revision's ranks written: a clinician's ranking rewrites its prompt's row; a judge ranking's piece is made
-- from the ranks at hand and put into its (prompt, run) row, in the statement that finds the rankings (each
-- revision and ranking looked up once, by its key).
CREATE OR REPLACE FUNCTION medpref_report_rankings_of_revisions() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
DECLARE
  human uuid[];
BEGIN
  WITH ranked AS MATERIALIZED (
    SELECT r.kind, r.prompt_id, r.judge_run_id, r.permutation_index, r.assignment_id, rr.time_on_task_ms, rr.flags, c.entries, c.entries_flagged
      FROM changed c JOIN ranking_revisions rr ON rr.id = c.revision_id
      JOIN rankings r ON r.id = rr.ranking_id AND r.revision = rr.revision),
  judged AS (
    INSERT INTO judge_report_rankings AS t (prompt_id, judge_run_id, project_id, rankings)
    SELECT n.prompt_id, n.judge_run_id, p.project_id, n.rankings
      FROM (SELECT prompt_id, judge_run_id,
                   string_agg(medpref_judge_report_piece(judge_run_id, permutation_index, assignment_id IS NOT NULL, time_on_task_ms, flags,
                                                         entries, entries_flagged),
                              '|' ORDER BY permutation_index) AS rankings
              FROM ranked WHERE kind = 'JUDGE' GROUP BY prompt_id, judge_run_id) n
      JOIN prompts p ON p.id = n.prompt_id
     ORDER BY n.prompt_id, n.judge_run_id
    ON CONFLICT (prompt_id, judge_run_id) DO UPDATE SET rankings = medpref_merge_judge_report_rankings(t.rankings, EXCLUDED.rankings, '{}'))
  SELECT array_agg(DISTINCT prompt_id) FILTER (WHERE kind <> 'JUDGE') INTO human FROM ranked;
  PERFORM medpref_refresh_report_rankings(coalesce(human, '{}'));
  RETURN NULL;
END $$;

-- A ranking deleted, or changed in what the report reads (its latest revision, rater, run, whether an
-- assignment made it). A judge ranking's piece is taken out of its old row and, if the ranking's latest
-- revision has ranks, put into its new one; a clinician's ranking rewrites its prompts' rows.
CREATE OR REPLACE FUNCTION medpref_report_rankings_of_rankings() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  human uuid[];
BEGIN
  IF TG_OP = 'DELETE' THEN
    PERFORM medpref_refresh_report_rankings(ARRAY(SELECT DISTINCT prompt_id FROM gone WHERE kind <> 'JUDGE'));
    PERFORM medpref_remove_judge_report_rankings(array_agg(prompt_id), array_agg(judge_run_id), array_agg(permutation_index))
       FROM gone WHERE kind = 'JUDGE' HAVING count(*) > 0;
  ELSE
    SELECT array_agg(DISTINCT p) INTO human
      FROM (SELECT unnest(ARRAY[CASE WHEN o.kind <> 'JUDGE' THEN o.prompt_id END, CASE WHEN n.kind <> 'JUDGE' THEN n.prompt_id END]) AS p
              FROM gone o JOIN changed n ON n.id = o.id
             WHERE (o.prompt_id, o.kind, o.rater_id, o.judge_run_id, o.permutation_index, o.assignment_id IS NULL, o.revision)
                   IS DISTINCT FROM (n.prompt_id, n.kind, n.rater_id, n.judge_run_id, n.permutation_index, n.assignment_id IS NULL, n.revision)) h
     WHERE p IS NOT NULL;
    PERFORM medpref_refresh_report_rankings(coalesce(human, '{}'));
    PERFORM medpref_remove_judge_report_rankings(array_agg(o.prompt_id), array_agg(o.judge_run_id), array_agg(o.permutation_index))
       FROM gone o JOIN changed n ON n.id = o.id
      WHERE o.kind = 'JUDGE'
        AND (o.prompt_id, o.kind, o.judge_run_id, o.permutation_index, o.assignment_id IS NULL, o.revision)
            IS DISTINCT FROM (n.prompt_id, n.kind, n.judge_run_id, n.permutation_index, n.assignment_id IS NULL, n.revision)
     HAVING count(*) > 0;
    PERFORM medpref_add_judge_report_rankings(ARRAY(
      SELECT n.id FROM gone o JOIN changed n ON n.id = o.id
       WHERE n.kind = 'JUDGE'
         AND (o.prompt_id, o.kind, o.judge_run_id, o.permutation_index, o.assignment_id IS NULL, o.revision)
             IS DISTINCT FROM (n.prompt_id, n.kind, n.judge_run_id, n.permutation_index, n.assignment_id IS NULL, n.revision)));
  END IF;
  RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION medpref_forget_report_rankings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM prompt_report_rankings;
  DELETE FROM judge_report_rankings;
  RETURN NULL;
END $$;

-- Today's rankings, split.
DELETE FROM prompt_report_rankings;
SELECT medpref_refresh_report_rankings(ARRAY(SELECT DISTINCT prompt_id FROM rankings WHERE kind <> 'JUDGE'));
SELECT medpref_add_judge_report_rankings(ARRAY(SELECT id FROM rankings WHERE kind = 'JUDGE'));
