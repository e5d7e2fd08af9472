-- 20261130183322_prompt_ranking_counts: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- The per-prompt figures a clinician's submission changes (its HUMAN, GOLD and ADJUDICATED rankings,
-- whether its clinicians disagree) move from prompts to this narrow table, with the prompt list's
-- partial indexes. On prompts they were in index expressions and predicates, so every submission
-- rewrote the wide prompts row and all of its ten indexes (not a HOT update): PostgreSQL CPU per
-- claim + submit went from 8.5 to 9.35 ms. Here a submission rewrites a row of a few integers and
-- two index entries. One row per prompt, made with it (a trigger on prompts); `extra_rankings` is a
-- copy of the prompt's (kept by a trigger) so "needs rankings" stays one index range. Whether a judge
-- ranked a prompt stays on prompts (written once per prompt, never by a submission).
CREATE TABLE prompt_ranking_counts (
  prompt_id uuid PRIMARY KEY,
  project_id uuid NOT NULL,
  human_rankings integer NOT NULL DEFAULT 0,
  gold_rankings integer NOT NULL DEFAULT 0,
  adjudicated_rankings integer NOT NULL DEFAULT 0,
  extra_rankings integer NOT NULL DEFAULT 0,
  human_disputed boolean NOT NULL DEFAULT false,
  CONSTRAINT prompt_ranking_counts_prompt_id_fkey FOREIGN KEY (prompt_id) REFERENCES prompts(id) ON DELETE CASCADE ON UPDATE CASCADE
);

INSERT INTO prompt_ranking_counts (prompt_id, project_id, human_rankings, gold_rankings, adjudicated_rankings, extra_rankings, human_disputed)
SELECT id, project_id, human_rankings, gold_rankings, adjudicated_rankings, extra_rankings, human_disputed FROM prompts;

CREATE FUNCTION medpref_add_prompt_ranking_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO prompt_ranking_counts (prompt_id, project_id, extra_rankings) SELECT id, project_id, extra_rankings FROM added;
  RETURN NULL;
END $$;
CREATE TRIGGER prompts_add_ranking_counts AFTER INSERT ON prompts REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_add_prompt_ranking_counts();

CREATE FUNCTION medpref_copy_extra_rankings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE prompt_ranking_counts SET extra_rankings = NEW.extra_rankings WHERE prompt_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER prompts_copy_extra_rankings AFTER UPDATE OF extra_rankings ON prompts
  FOR EACH ROW WHEN (OLD.extra_rankings IS DISTINCT FROM NEW.extra_rankings) EXECUTE FUNCTION medpref_copy_extra_rankings();

-- The triggers of 20261130153812_prompt_list_kept, writing the counts here and the judged flag on prompts.
CREATE OR REPLACE FUNCTION medpref_keep_prompt_rankings() RETURNS trigger LANGUAGE plpgsql AS $$
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
    UPDATE prompts p SET judged = true WHERE p.id IN (SELECT prompt_id FROM changed WHERE kind = 'JUDGE') AND NOT p.judged;
  ELSE
    UPDATE prompts p SET judged = EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = p.id AND r.kind = 'JUDGE')
     WHERE p.id IN (SELECT prompt_id FROM changed WHERE kind = 'JUDGE') AND p.judged;
  END IF;
  RETURN NULL;
END $$;

-- As in 20261130133745_prompt_human_disputed, the flag written here.
CREATE OR REPLACE FUNCTION medpref_redecide_disputed(prompt_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE prompt_ranking_counts k SET human_disputed = d.disputed
    FROM (SELECT id, medpref_prompt_disputed(id) AS disputed FROM unnest(prompt_ids) id) d
   WHERE k.prompt_id = d.id AND k.human_disputed IS DISTINCT FROM d.disputed
$$;

DROP INDEX prompts_needs_rankings_idx, prompts_gold_idx, prompts_disputed_idx, prompts_human_disputed_idx;
DROP STATISTICS prompts_rankings_short_stats;
ALTER TABLE prompts DROP COLUMN human_rankings, DROP COLUMN gold_rankings, DROP COLUMN adjudicated_rankings, DROP COLUMN human_disputed;

-- "Needs rankings" (no gold, fewer human rankings than k plus those sent back for): a range of this
-- index, with statistics on its expression so the planner estimates it from the data (see 20261130153812).
CREATE INDEX prompt_ranking_counts_needs_rankings_idx ON prompt_ranking_counts (project_id, (human_rankings - extra_rankings)) WHERE gold_rankings = 0;
CREATE STATISTICS prompt_ranking_counts_short_stats ON (human_rankings - extra_rankings) FROM prompt_ranking_counts;
CREATE INDEX prompt_ranking_counts_gold_idx ON prompt_ranking_counts (project_id) WHERE gold_rankings > 0;
CREATE INDEX prompt_ranking_counts_disputed_idx ON prompt_ranking_counts (project_id) WHERE human_disputed AND adjudicated_rankings = 0;
