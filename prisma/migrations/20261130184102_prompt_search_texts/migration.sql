-- 20261130184102_prompt_search_texts: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- The prompt list's text search, over a narrow table of one text per prompt: its id and every
-- message's content, lowercased, each part apart from the next by U+001E (a search containing it
-- is answered from the messages, lib/projects/prompt-list.ts). Searching the prompts themselves took
-- each row's messages apart as JSON and lowercased them per view (750 ms for the count alone at
-- 100,000 prompts). Written when a prompt is added or its id or messages change, never by a claim or
-- a submission; no text index (a trigram index was slower on common words and costs every import).
CREATE TABLE prompt_search_texts (
  prompt_id uuid PRIMARY KEY,
  project_id uuid NOT NULL,
  body text NOT NULL,
  CONSTRAINT prompt_search_texts_prompt_id_fkey FOREIGN KEY (prompt_id) REFERENCES prompts(id) ON DELETE CASCADE ON UPDATE CASCADE
);
CREATE INDEX prompt_search_texts_project_id_idx ON prompt_search_texts (project_id);

-- lower() as ILIKE applies it (the database's collation): `body LIKE lower(pattern)` is `ILIKE pattern` on each part.
CREATE FUNCTION medpref_prompt_search_text(external_id text, messages jsonb) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT lower(coalesce(external_id, '') || coalesce((SELECT string_agg(E'\x1e' || (m->>'content'), '' ORDER BY i)
                                                         FROM jsonb_array_elements(CASE jsonb_typeof(messages) WHEN 'array' THEN messages ELSE '[]' END)
                                                              WITH ORDINALITY AS e(m, i)), ''))
$$;

INSERT INTO prompt_search_texts (prompt_id, project_id, body)
SELECT id, project_id, medpref_prompt_search_text(external_id, messages) FROM prompts;

CREATE FUNCTION medpref_add_prompt_search_texts() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO prompt_search_texts (prompt_id, project_id, body)
  SELECT id, project_id, medpref_prompt_search_text(external_id, messages) FROM added;
  RETURN NULL;
END $$;
CREATE TRIGGER prompts_add_search_texts AFTER INSERT ON prompts REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_add_prompt_search_texts();

CREATE FUNCTION medpref_update_prompt_search_text() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE prompt_search_texts SET body = medpref_prompt_search_text(NEW.external_id, NEW.messages) WHERE prompt_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER prompts_update_search_text AFTER UPDATE OF external_id, messages ON prompts
  FOR EACH ROW EXECUTE FUNCTION medpref_update_prompt_search_text();
