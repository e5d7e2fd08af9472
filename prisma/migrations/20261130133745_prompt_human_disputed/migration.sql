-- 20261130133745_prompt_human_disputed: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.
-- Whether a prompt's clinicians disagree on the best candidate (their latest revisions' rank-1 sets
-- differ), kept on the prompt: the prompt list's "disputed" filter computed it for every prompt of
-- the project per view (57 s at 100,000 prompts). Recomputed for the prompts a statement touched,
-- by statement triggers: new entries (a submission, a revision, an import) and deleted rankings.
ALTER TABLE prompts ADD COLUMN human_disputed boolean NOT NULL DEFAULT false;
CREATE INDEX prompts_human_disputed_idx ON prompts (project_id) WHERE human_disputed;

CREATE FUNCTION medpref_prompt_disputed(prompt uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
  SELECT count(DISTINCT b.best) > 1 FROM (
    SELECT (SELECT string_agg(e.completion_id::text, ',' ORDER BY e.completion_id) FROM ranking_entries e WHERE e.revision_id = rr.id AND e.rank = 1) AS best
      FROM rankings r JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
     WHERE r.prompt_id = prompt AND r.kind = 'HUMAN') b
$$;

-- The prompts given, their flag decided once each and written only where it changed.
CREATE FUNCTION medpref_redecide_disputed(prompt_ids uuid[]) RETURNS void LANGUAGE sql AS $$
  UPDATE prompts p SET human_disputed = d.disputed
    FROM (SELECT id, medpref_prompt_disputed(id) AS disputed FROM unnest(prompt_ids) id) d
   WHERE p.id = d.id AND p.human_disputed IS DISTINCT FROM d.disputed
$$;

CREATE FUNCTION medpref_redecide_disputed_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM medpref_redecide_disputed(ARRAY(
    SELECT DISTINCT r.prompt_id FROM (SELECT DISTINCT revision_id FROM changed) c
      JOIN ranking_revisions rr ON rr.id = c.revision_id JOIN rankings r ON r.id = rr.ranking_id
     WHERE r.kind = 'HUMAN'));
  RETURN NULL;
END $$;
CREATE TRIGGER ranking_entries_redecide_disputed AFTER INSERT ON ranking_entries REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_redecide_disputed_entries();

CREATE FUNCTION medpref_redecide_disputed_rankings() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM medpref_redecide_disputed(ARRAY(SELECT DISTINCT prompt_id FROM changed WHERE kind = 'HUMAN'));
  RETURN NULL;
END $$;
CREATE TRIGGER rankings_redecide_disputed AFTER DELETE ON rankings REFERENCING OLD TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_redecide_disputed_rankings();

UPDATE prompts p SET human_disputed = true WHERE medpref_prompt_disputed(p.id);
