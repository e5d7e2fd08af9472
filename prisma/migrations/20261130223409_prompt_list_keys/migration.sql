-- 20261130223409_prompt_list_keys: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- The prompt list's orders (all prompts, by source, by type: 20261130220413_prompt_list_order) read from a
-- narrow table written when a prompt is added and never by annotation, instead of indexes on prompts. A deep
-- page skips up to 100,000 index entries; an index-only scan does so without the heap only while the
-- table's pages are all-visible, and every claim rewrites its prompt's row (human_load): with 2 % of
-- 100,000 prompts claimed since the last vacuum, a deep page fetched 39,000 wide prompts rows (450 ms).
-- Rows here change only with the prompt's id, source or type (no screen edits them today).
CREATE TABLE prompt_list_keys (
  prompt_id uuid PRIMARY KEY,
  project_id uuid NOT NULL,
  source text,
  prompt_type text,
  sort_key text COLLATE "C" NOT NULL,
  created_at timestamptz(3) NOT NULL,
  CONSTRAINT prompt_list_keys_prompt_id_fkey FOREIGN KEY (prompt_id) REFERENCES prompts(id) ON DELETE CASCADE ON UPDATE CASCADE
);
INSERT INTO prompt_list_keys (prompt_id, project_id, source, prompt_type, sort_key, created_at)
SELECT id, project_id, source, prompt_type, sort_key, created_at FROM prompts;

CREATE FUNCTION medpref_add_prompt_list_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO prompt_list_keys (prompt_id, project_id, source, prompt_type, sort_key, created_at)
  SELECT id, project_id, source, prompt_type, sort_key, created_at FROM added;
  RETURN NULL;
END $$;
CREATE TRIGGER prompts_add_list_keys AFTER INSERT ON prompts REFERENCING NEW TABLE AS added
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_add_prompt_list_keys();

CREATE FUNCTION medpref_update_prompt_list_keys() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE prompt_list_keys SET source = NEW.source, prompt_type = NEW.prompt_type, sort_key = NEW.sort_key WHERE prompt_id = NEW.id;
  RETURN NULL;
END $$;
CREATE TRIGGER prompts_update_list_keys AFTER UPDATE OF external_id, source, prompt_type ON prompts
  FOR EACH ROW WHEN (OLD.sort_key IS DISTINCT FROM NEW.sort_key OR OLD.source IS DISTINCT FROM NEW.source OR OLD.prompt_type IS DISTINCT FROM NEW.prompt_type)
  EXECUTE FUNCTION medpref_update_prompt_list_keys();

DROP INDEX prompts_project_id_sort_key_created_at_id_idx, prompts_project_id_source_sort_key_created_at_id_idx,
           prompts_project_id_prompt_type_sort_key_created_at_id_idx;
CREATE INDEX prompt_list_keys_order_idx ON prompt_list_keys (project_id, sort_key, created_at, prompt_id);
CREATE INDEX prompt_list_keys_source_idx ON prompt_list_keys (project_id, source, sort_key, created_at, prompt_id);
CREATE INDEX prompt_list_keys_type_idx ON prompt_list_keys (project_id, prompt_type, sort_key, created_at, prompt_id);
