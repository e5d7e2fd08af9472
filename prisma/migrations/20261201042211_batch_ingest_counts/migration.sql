-- 20261201042211_batch_ingest_counts: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- Candidates and rankings are counted per prompt first, then each prompt's project is looked up once:
-- joining every changed row to prompts made the planner hash all the prompts of the database (a scan
-- of 100,000 prompts for each page of 4,000 judge rankings, where the page names 2,000 prompts).
CREATE OR REPLACE FUNCTION medpref_count_prompt_children() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE sign int := CASE WHEN TG_OP = 'INSERT' THEN 1 ELSE -1 END;
BEGIN
  IF TG_TABLE_NAME = 'completions' THEN
    INSERT INTO project_counts (project_id, key, n)
    SELECT p.project_id, 'completions', sign * sum(c.n) FROM (SELECT prompt_id, count(*) AS n FROM changed GROUP BY prompt_id) c
      JOIN prompts p ON p.id = c.prompt_id GROUP BY p.project_id;
  ELSE
    INSERT INTO project_counts (project_id, key, n)
    SELECT p.project_id, 'rankings:' || c.kind, sign * sum(c.n) FROM (SELECT prompt_id, kind, count(*) AS n FROM changed GROUP BY prompt_id, kind) c
      JOIN prompts p ON p.id = c.prompt_id GROUP BY p.project_id, c.kind;
  END IF;
  RETURN NULL;
END $$;
