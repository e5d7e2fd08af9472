-- 20261201003600_prompt_load_per_statement: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- prompts.human_load (20261122020000_prompt_load) kept per statement instead of per row: a bulk write of
-- assignments (300,000 submitted ones at 100,000 prompts × 3 rankings) ran one UPDATE of prompts per row,
-- most of a 5-minute setup; now each statement applies one aggregated UPDATE from its transition tables.
-- PostgreSQL allows no column list with transition tables, so the UPDATE trigger fires for every UPDATE of
-- assignments and changes prompts only where the load moved (status in or out of ACTIVE/SUBMITTED, or
-- prompt_id). Prompts are locked in id order before they are written (FOR NO KEY UPDATE, the lock an UPDATE of
-- a non-key column takes, so inserts' foreign-key checks still pass), so two statements touching the same
-- prompts (concurrent claims, an expiry sweep) wait for each other instead of deadlocking.
DROP TRIGGER "assignments_track_prompt_load" ON "assignments";
DROP FUNCTION "medpref_track_prompt_load"();

-- Each branch sums the statement's change of load per prompt (rows leaving the count -1, rows entering
-- it +1), locks those prompts in id order and adds it; prompts whose change sums to 0 are not touched.
CREATE FUNCTION "medpref_track_prompt_load"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        WITH change AS (SELECT prompt_id, count(*)::int AS n FROM new_rows WHERE status IN ('ACTIVE', 'SUBMITTED') GROUP BY prompt_id),
             locked AS MATERIALIZED (SELECT p.id, change.n FROM prompts p JOIN change ON change.prompt_id = p.id ORDER BY p.id FOR NO KEY UPDATE OF p)
        UPDATE prompts p SET human_load = p.human_load + locked.n FROM locked WHERE p.id = locked.id;
    ELSIF TG_OP = 'DELETE' THEN
        WITH change AS (SELECT prompt_id, -count(*)::int AS n FROM old_rows WHERE status IN ('ACTIVE', 'SUBMITTED') GROUP BY prompt_id),
             locked AS MATERIALIZED (SELECT p.id, change.n FROM prompts p JOIN change ON change.prompt_id = p.id ORDER BY p.id FOR NO KEY UPDATE OF p)
        UPDATE prompts p SET human_load = p.human_load + locked.n FROM locked WHERE p.id = locked.id;
    ELSE
        WITH change AS (SELECT prompt_id, sum(n)::int AS n FROM (
                            SELECT prompt_id, -1 AS n FROM old_rows WHERE status IN ('ACTIVE', 'SUBMITTED')
                            UNION ALL SELECT prompt_id, 1 FROM new_rows WHERE status IN ('ACTIVE', 'SUBMITTED')) s
                        GROUP BY prompt_id HAVING sum(n) <> 0),
             locked AS MATERIALIZED (SELECT p.id, change.n FROM prompts p JOIN change ON change.prompt_id = p.id ORDER BY p.id FOR NO KEY UPDATE OF p)
        UPDATE prompts p SET human_load = p.human_load + locked.n FROM locked WHERE p.id = locked.id;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER "assignments_track_prompt_load_insert" AFTER INSERT ON "assignments" REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION "medpref_track_prompt_load"();
CREATE TRIGGER "assignments_track_prompt_load_delete" AFTER DELETE ON "assignments" REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION "medpref_track_prompt_load"();
CREATE TRIGGER "assignments_track_prompt_load_update" AFTER UPDATE ON "assignments" REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION "medpref_track_prompt_load"();
