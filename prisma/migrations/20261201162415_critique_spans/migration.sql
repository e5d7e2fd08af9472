-- 20261201162415_critique_spans: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- Span critiques (issue 18): the exact text a clinician (or a judge) marks in a candidate, with a tag of the
-- project's critique taxonomy, a severity, a comment and a suggested correction (lib/critiques/).

-- A project's critique taxonomy, versioned: an admin's edit adds the next version; spans keep the version they
-- were marked under. No row: MedPref's default taxonomy (version 0, lib/critiques/taxonomy.ts DEFAULT_TAXONOMY).
CREATE TABLE "critique_taxonomies" (
    "project_id" UUID NOT NULL,
    "version" INTEGER NOT NULL,
    "tags" JSONB NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "critique_taxonomies_pkey" PRIMARY KEY ("project_id", "version"),
    CONSTRAINT "critique_taxonomies_version" CHECK ("version" >= 1)
);
ALTER TABLE "critique_taxonomies" ADD CONSTRAINT "critique_taxonomies_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "critique_taxonomies" ADD CONSTRAINT "critique_taxonomies_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- One marked span: it belongs to a ranking revision (a revision's spans are its own: revising writes the next
-- revision's, the earlier ones stay as history) or to a pair vote at one of its revisions. Offsets are Unicode
-- code points into the stored completion text, [start, end); the quote is that slice, checked on save.
CREATE TABLE "critique_spans" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "revision_id" UUID,
    "vote_id" UUID,
    "vote_revision" INTEGER,
    "completion_id" UUID NOT NULL,
    "start_offset" INTEGER NOT NULL,
    "end_offset" INTEGER NOT NULL,
    "quote" TEXT NOT NULL,
    "tag" TEXT NOT NULL,
    "severity" TEXT NOT NULL,
    "comment" TEXT NOT NULL DEFAULT '',
    "correction" TEXT NOT NULL DEFAULT '',
    "taxonomy_version" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "critique_spans_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "critique_spans_one_owner" CHECK (("revision_id" IS NULL) <> ("vote_id" IS NULL)),
    CONSTRAINT "critique_spans_vote_revision" CHECK (("vote_id" IS NULL) = ("vote_revision" IS NULL)),
    CONSTRAINT "critique_spans_offsets" CHECK ("start_offset" >= 0 AND "end_offset" > "start_offset"),
    CONSTRAINT "critique_spans_severity" CHECK ("severity" IN ('minor', 'major', 'critical'))
);
CREATE INDEX "critique_spans_revision_id_idx" ON "critique_spans" ("revision_id");
CREATE INDEX "critique_spans_vote_id_vote_revision_idx" ON "critique_spans" ("vote_id", "vote_revision");
CREATE INDEX "critique_spans_completion_id_idx" ON "critique_spans" ("completion_id");
ALTER TABLE "critique_spans" ADD CONSTRAINT "critique_spans_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "ranking_revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "critique_spans" ADD CONSTRAINT "critique_spans_vote_id_fkey" FOREIGN KEY ("vote_id") REFERENCES "verification_votes"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "critique_spans" ADD CONSTRAINT "critique_spans_completion_id_fkey" FOREIGN KEY ("completion_id") REFERENCES "completions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
