-- 20261130161112_prompt_search: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.
-- The prompt list's text search ("in the id or any message", case-insensitive substring) through a
-- trigram index instead of reading every prompt's messages per view. The index holds the id and the
-- messages' texts joined by newlines; the list keeps its exact condition as a recheck, so a match
-- across two messages' boundary is never listed. pg_trgm ships with PostgreSQL and is a trusted
-- extension: a database owner may create it on managed services.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE FUNCTION medpref_prompt_search_text(external_id text, messages jsonb) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE
RETURN coalesce(external_id, '') || E'\n' || coalesce((SELECT string_agg(m->>'content', E'\n') FROM jsonb_array_elements(messages) m), '');

CREATE INDEX prompts_search_trgm_idx ON prompts USING gin (medpref_prompt_search_text(external_id, messages) gin_trgm_ops);
