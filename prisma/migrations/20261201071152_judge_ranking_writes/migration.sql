-- 20261201071152_judge_ranking_writes: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- Storing a Batch run's results (200,000 judge rankings, their calls, revisions and 1.6 million entries) with
-- less work per row; every check and count stays as it was.

-- 1. The judged flag: set once per prompt, found by the prompt's key. The statement's prompts are made distinct
-- first and each is looked up in the primary key (nested loops only, as the other statement triggers): the
-- planner, seeing most flags unset at the start of a run, scanned and hashed all of prompt_ranking_counts per
-- statement (100,000 rows for a page's 2,000 prompts: 13 s of a 200,000-unit run).
CREATE OR REPLACE FUNCTION medpref_keep_prompt_rankings() RETURNS trigger LANGUAGE plpgsql
SET enable_hashjoin = off SET enable_mergejoin = off AS $$
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
      FROM (SELECT DISTINCT prompt_id FROM changed WHERE kind = 'JUDGE') j
     WHERE k.prompt_id = j.prompt_id AND NOT k.judged;
  ELSE
    UPDATE prompt_ranking_counts k SET judged = EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = k.prompt_id AND r.kind = 'JUDGE')
      FROM (SELECT DISTINCT prompt_id FROM changed WHERE kind = 'JUDGE') j
     WHERE k.prompt_id = j.prompt_id AND k.judged;
  END IF;
  RETURN NULL;
END $$;

-- 2. A judge call's id is time-ordered (UUID version 7), as the judge rankings' and revisions' ids made by
-- lib/core/ids.ts newTimeOrderedId: a page of 4,000 calls adds its keys at the right end of the primary key's
-- index instead of 4,000 random pages of it (dirtied, and logged whole after each checkpoint).
ALTER TABLE judge_calls ALTER COLUMN id SET DEFAULT uuidv7();
