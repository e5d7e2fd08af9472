-- 20261130153812_prompt_list_kept: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- The prompt list's status filters from kept columns, not a subquery per prompt of the project
-- ("needs rankings" 1.2 s at 100,000 prompts). Per prompt: its HUMAN, GOLD and ADJUDICATED
-- rankings (counts: concurrent writers add to them under the row lock, nothing is lost) and
-- whether it has a JUDGE ranking (a flag, written once per prompt: a judge run's 200,000 rankings
-- would otherwise update each prompt row again per permutation). Kept by statement triggers on
-- rankings; a prompt being deleted is not updated.
ALTER TABLE prompts ADD COLUMN human_rankings integer NOT NULL DEFAULT 0,
                    ADD COLUMN gold_rankings integer NOT NULL DEFAULT 0,
                    ADD COLUMN adjudicated_rankings integer NOT NULL DEFAULT 0,
                    ADD COLUMN judged boolean NOT NULL DEFAULT false;

CREATE FUNCTION medpref_keep_prompt_rankings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'INSERT' THEN
    UPDATE prompts p SET human_rankings = p.human_rankings + d.human, gold_rankings = p.gold_rankings + d.gold,
                         adjudicated_rankings = p.adjudicated_rankings + d.adjudicated
      FROM (SELECT prompt_id, count(*) FILTER (WHERE kind = 'HUMAN') AS human, count(*) FILTER (WHERE kind = 'GOLD') AS gold,
                   count(*) FILTER (WHERE kind = 'ADJUDICATED') AS adjudicated
              FROM changed WHERE kind <> 'JUDGE' GROUP BY prompt_id) d
     WHERE p.id = d.prompt_id;
    UPDATE prompts p SET judged = true WHERE p.id IN (SELECT prompt_id FROM changed WHERE kind = 'JUDGE') AND NOT p.judged;
  ELSE
    UPDATE prompts p SET human_rankings = p.human_rankings - d.human, gold_rankings = p.gold_rankings - d.gold,
                         adjudicated_rankings = p.adjudicated_rankings - d.adjudicated
      FROM (SELECT prompt_id, count(*) FILTER (WHERE kind = 'HUMAN') AS human, count(*) FILTER (WHERE kind = 'GOLD') AS gold,
                   count(*) FILTER (WHERE kind = 'ADJUDICATED') AS adjudicated
              FROM changed WHERE kind <> 'JUDGE' GROUP BY prompt_id) d
     WHERE p.id = d.prompt_id;
    UPDATE prompts p SET judged = EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = p.id AND r.kind = 'JUDGE')
     WHERE p.id IN (SELECT prompt_id FROM changed WHERE kind = 'JUDGE') AND p.judged;
  END IF;
  RETURN NULL;
END $$;
CREATE TRIGGER rankings_kept_on_prompt_insert AFTER INSERT ON rankings REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_keep_prompt_rankings();
CREATE TRIGGER rankings_kept_on_prompt_delete AFTER DELETE ON rankings REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_keep_prompt_rankings();

UPDATE prompts p SET human_rankings = r.human, gold_rankings = r.gold, adjudicated_rankings = r.adjudicated, judged = r.judge > 0
  FROM (SELECT prompt_id, count(*) FILTER (WHERE kind = 'HUMAN') AS human, count(*) FILTER (WHERE kind = 'GOLD') AS gold,
               count(*) FILTER (WHERE kind = 'ADJUDICATED') AS adjudicated, count(*) FILTER (WHERE kind = 'JUDGE') AS judge
          FROM rankings GROUP BY prompt_id) r
 WHERE p.id = r.prompt_id;

-- "Needs rankings" (no gold, fewer human rankings than k plus those sent back for): the project's k
-- is a bound on (human_rankings - extra_rankings), so the count reads a range of this index.
CREATE INDEX prompts_needs_rankings_idx ON prompts (project_id, (human_rankings - extra_rankings)) WHERE gold_rankings = 0;
-- Statistics on that expression: a partial index's own are not used for estimates, and without them
-- the planner guessed a third of the prompts and walked the whole natural-order index (1.4 s at
-- 100,000 prompts for an empty first page; 0.2 ms with them).
CREATE STATISTICS prompts_rankings_short_stats ON (human_rankings - extra_rankings) FROM prompts;
-- Gold, disputed and judged prompts in the list's natural order (as prompts_natural_order_idx): a deep page of
-- 100,000 judged prompts, or the count of half a project disputed, is read from the index alone.
CREATE INDEX prompts_gold_idx ON prompts (project_id, (medpref_natural_sort_key(coalesce(external_id, '')) COLLATE "C"), created_at, id)
  INCLUDE (external_id) WHERE gold_rankings > 0;
CREATE INDEX prompts_disputed_idx ON prompts (project_id, (medpref_natural_sort_key(coalesce(external_id, '')) COLLATE "C"), created_at, id)
  INCLUDE (external_id) WHERE human_disputed AND adjudicated_rankings = 0;
CREATE INDEX prompts_judged_idx ON prompts (project_id, (medpref_natural_sort_key(coalesce(external_id, '')) COLLATE "C"), created_at, id)
  INCLUDE (external_id) WHERE judged;
-- The list's type facet (sources come from the (project_id, source, prompt_type) index): both are
-- read by skipping from one distinct value to the next, not by reading every prompt.
CREATE INDEX prompts_project_id_prompt_type_idx ON prompts (project_id, prompt_type);
