-- 20261130220413_prompt_list_order: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- Deep pages of the prompt list at 100,000 prompts (lib/projects/prompt-list.ts).
--
-- 1. Whether a judge ranked a prompt moves from prompts to prompt_ranking_counts. A judge run set it on
--    every prompt: a non-HOT update of the wide prompts row and its indexes per prompt, which also left
--    the prompts' visibility map stale, so the index-only scans behind OFFSET paging fetched every
--    skipped prompt from the heap (0.5-0.9 s for a deep page). Now a judge run rewrites narrow rows only.
-- 2. The natural sort key of the external id (medpref_natural_sort_key, "q2" before "q10") is stored:
--    on prompts as a generated column (computed by PostgreSQL on every insert and on any change of
--    external_id, so no edit can leave it stale), on prompt_ranking_counts as a copy with the prompt's
--    created_at (kept by a trigger), so every list order is a plain index range: by source, by type
--    and by status too (a computed key sorted every matching prompt: 0.8-1.1 s for a deep page).

ALTER TABLE prompts ADD COLUMN sort_key text COLLATE "C" GENERATED ALWAYS AS (medpref_natural_sort_key(coalesce(external_id, ''))) STORED;

ALTER TABLE prompt_ranking_counts ADD COLUMN judged boolean NOT NULL DEFAULT false,
                                  ADD COLUMN sort_key text COLLATE "C",
                                  ADD COLUMN created_at timestamptz(3);
UPDATE prompt_ranking_counts k SET judged = p.judged, sort_key = p.sort_key, created_at = p.created_at FROM prompts p WHERE p.id = k.prompt_id;
ALTER TABLE prompt_ranking_counts ALTER COLUMN sort_key SET NOT NULL, ALTER COLUMN created_at SET NOT NULL;

-- As in 20261130183322_prompt_ranking_counts, with the prompt's sort key and creation time.
CREATE OR REPLACE FUNCTION medpref_add_prompt_ranking_counts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO prompt_ranking_counts (prompt_id, project_id, extra_rankings, sort_key, created_at)
  SELECT id, project_id, extra_rankings, sort_key, created_at FROM added;
  RETURN NULL;
END $$;

-- No code changes an external id today; should one, the copy follows.
CREATE FUNCTION medpref_copy_sort_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE prompt_ranking_counts SET sort_key = NEW.sort_key WHERE prompt_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER prompts_copy_sort_key AFTER UPDATE OF external_id ON prompts
  FOR EACH ROW WHEN (OLD.sort_key IS DISTINCT FROM NEW.sort_key) EXECUTE FUNCTION medpref_copy_sort_key();

-- As in 20261130183322_prompt_ranking_counts, the judged flag written here: set by a judge ranking,
-- re-decided from the remaining rankings when one is deleted.
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
    UPDATE prompt_ranking_counts k SET judged = true
     WHERE k.prompt_id IN (SELECT prompt_id FROM changed WHERE kind = 'JUDGE') AND NOT k.judged;
  ELSE
    UPDATE prompt_ranking_counts k SET judged = EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = k.prompt_id AND r.kind = 'JUDGE')
     WHERE k.prompt_id IN (SELECT prompt_id FROM changed WHERE kind = 'JUDGE') AND k.judged;
  END IF;
  RETURN NULL;
END $$;

DROP INDEX prompts_judged_idx;
ALTER TABLE prompts DROP COLUMN judged;

-- The list's orders as index ranges: all prompts, by source, by type (the type facet reads this one too).
DROP INDEX prompts_natural_order_idx, prompts_project_id_prompt_type_idx;
CREATE INDEX prompts_project_id_sort_key_created_at_id_idx ON prompts (project_id, sort_key, created_at, id);
CREATE INDEX prompts_project_id_source_sort_key_created_at_id_idx ON prompts (project_id, source, sort_key, created_at, id);
CREATE INDEX prompts_project_id_prompt_type_sort_key_created_at_id_idx ON prompts (project_id, prompt_type, sort_key, created_at, id);

-- Judged, gold and disputed prompts in the list's order, read (and counted) from these partial indexes alone.
DROP INDEX prompt_ranking_counts_gold_idx, prompt_ranking_counts_disputed_idx;
CREATE INDEX prompt_ranking_counts_judged_idx ON prompt_ranking_counts (project_id, sort_key, created_at, prompt_id) WHERE judged;
CREATE INDEX prompt_ranking_counts_gold_idx ON prompt_ranking_counts (project_id, sort_key, created_at, prompt_id) WHERE gold_rankings > 0;
CREATE INDEX prompt_ranking_counts_disputed_idx ON prompt_ranking_counts (project_id, sort_key, created_at, prompt_id)
  WHERE human_disputed AND adjudicated_rankings = 0;
