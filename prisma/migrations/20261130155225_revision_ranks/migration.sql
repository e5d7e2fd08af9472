-- 20261130155225_revision_ranks: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.
-- Each ranking revision's entries in one row, written when the entries are: the agreement report
-- loads the latest revision of every ranking of a project, and aggregating their entries row by row
-- (8 per ranking, 4 million at 100,000 prompts) was most of its load time. Entries never change
-- once written (ranking_entries_immutable), so neither does this row.
CREATE TABLE revision_ranks (
  revision_id uuid PRIMARY KEY REFERENCES ranking_revisions (id) ON DELETE CASCADE,
  -- "rank shown;rank shown;…", one per entry in completion-id order (shown = −1 where unknown).
  entries text NOT NULL,
  -- Any entry has a flag.
  entries_flagged boolean NOT NULL
);

CREATE FUNCTION medpref_revision_ranks_entries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO revision_ranks (revision_id, entries, entries_flagged)
  SELECT revision_id, string_agg(rank || ' ' || coalesce(shown_position, -1), ';' ORDER BY completion_id), bool_or(cardinality(flags) > 0)
    FROM changed GROUP BY revision_id
  ON CONFLICT (revision_id) DO UPDATE
    SET entries = (SELECT string_agg(e.rank || ' ' || coalesce(e.shown_position, -1), ';' ORDER BY e.completion_id)
                     FROM ranking_entries e WHERE e.revision_id = EXCLUDED.revision_id),
        entries_flagged = (SELECT bool_or(cardinality(e.flags) > 0) FROM ranking_entries e WHERE e.revision_id = EXCLUDED.revision_id);
  RETURN NULL;
END $$;
CREATE TRIGGER ranking_entries_revision_ranks AFTER INSERT ON ranking_entries REFERENCING NEW TABLE AS changed
  FOR EACH STATEMENT EXECUTE FUNCTION medpref_revision_ranks_entries();

INSERT INTO revision_ranks (revision_id, entries, entries_flagged)
SELECT revision_id, string_agg(rank || ' ' || coalesce(shown_position, -1), ';' ORDER BY completion_id), bool_or(cardinality(flags) > 0)
  FROM ranking_entries GROUP BY revision_id;
