-- 20261201125203_verification_sets: write the DDL by hand.
-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then
-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate
-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.

-- Verification sets (issue 17): judge preference pairs sampled for clinicians to verify, as UltraMedical
-- built Medical RewardBench. A set and its pairs never change once created (a new version is a new set);
-- votes, assignments, outcomes and evaluations reference them.

CREATE TYPE "verification_outcome" AS ENUM ('PENDING', 'VERIFIED', 'OVERTURNED', 'DISPUTED');
-- A vote relative to the source's (judge's) verdict, whatever order the rater saw the two in.
CREATE TYPE "pair_vote" AS ENUM ('CHOSEN', 'REJECTED', 'TIE', 'BOTH_BAD');

CREATE TABLE "verification_sets" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "judge_run_id" UUID,
    "export_id" UUID,
    -- Every option it was made with (source, strategy, sampling, pairs, raters, agree, seed, disputed), canonical.
    "config" JSONB NOT NULL,
    "raters" INTEGER NOT NULL,
    "agree" INTEGER NOT NULL,
    -- "exclude": a disputed pair is left out of the benchmark; "adjudicate": an admin decides it.
    "disputed" TEXT NOT NULL,
    "pair_count" INTEGER NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "verification_sets_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "verification_sets_one_source" CHECK (("judge_run_id" IS NULL) <> ("export_id" IS NULL)),
    CONSTRAINT "verification_sets_raters" CHECK ("raters" BETWEEN 1 AND 5 AND "agree" BETWEEN 1 AND "raters"),
    CONSTRAINT "verification_sets_disputed" CHECK ("disputed" IN ('exclude', 'adjudicate'))
);
CREATE UNIQUE INDEX "verification_sets_project_id_name_version_key" ON "verification_sets" ("project_id", "name", "version");
ALTER TABLE "verification_sets" ADD CONSTRAINT "verification_sets_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "verification_sets" ADD CONSTRAINT "verification_sets_judge_run_id_fkey" FOREIGN KEY ("judge_run_id") REFERENCES "judge_runs"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "verification_sets" ADD CONSTRAINT "verification_sets_export_id_fkey" FOREIGN KEY ("export_id") REFERENCES "exports"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "verification_sets" ADD CONSTRAINT "verification_sets_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

CREATE TABLE "verification_pairs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "set_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "prompt_id" UUID NOT NULL,
    -- The source's verdict: its chosen and its rejected completion.
    "chosen_completion_id" UUID NOT NULL,
    "rejected_completion_id" UUID NOT NULL,
    -- easy / hard / length as the exports define them; "human" comes from the outcome (overturned).
    "categories" TEXT[] NOT NULL,
    "source" TEXT,
    "prompt_type" TEXT,
    -- How unsure the judge was (0 sure .. 1 unsure); null when the source says nothing about it.
    "uncertainty" DOUBLE PRECISION,
    -- The judge's verdict as the source gave it (ranks, scores, position consistency).
    "judge" JSONB NOT NULL,
    "vote_count" INTEGER NOT NULL DEFAULT 0,
    "outcome" "verification_outcome" NOT NULL DEFAULT 'PENDING',
    -- An admin's decision of a disputed pair: VERIFIED or OVERTURNED, by whom and when.
    "adjudicated_by_id" UUID,
    "adjudicated_at" TIMESTAMPTZ(3),
    CONSTRAINT "verification_pairs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "verification_pairs_two_completions" CHECK ("chosen_completion_id" <> "rejected_completion_id")
);
CREATE UNIQUE INDEX "verification_pairs_set_id_position_key" ON "verification_pairs" ("set_id", "position");
CREATE INDEX "verification_pairs_set_id_outcome_idx" ON "verification_pairs" ("set_id", "outcome");
CREATE INDEX "verification_pairs_prompt_id_idx" ON "verification_pairs" ("prompt_id");
ALTER TABLE "verification_pairs" ADD CONSTRAINT "verification_pairs_set_id_fkey" FOREIGN KEY ("set_id") REFERENCES "verification_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "verification_pairs" ADD CONSTRAINT "verification_pairs_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "verification_pairs" ADD CONSTRAINT "verification_pairs_chosen_completion_id_fkey" FOREIGN KEY ("chosen_completion_id") REFERENCES "completions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "verification_pairs" ADD CONSTRAINT "verification_pairs_rejected_completion_id_fkey" FOREIGN KEY ("rejected_completion_id") REFERENCES "completions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "verification_pairs" ADD CONSTRAINT "verification_pairs_adjudicated_by_id_fkey" FOREIGN KEY ("adjudicated_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
-- Pairs never change but for their votes' count, outcome and adjudication.
CREATE FUNCTION "medpref_verification_pair_fixed"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF (NEW.set_id, NEW.position, NEW.prompt_id, NEW.chosen_completion_id, NEW.rejected_completion_id, NEW.categories, NEW.judge)
        IS DISTINCT FROM (OLD.set_id, OLD.position, OLD.prompt_id, OLD.chosen_completion_id, OLD.rejected_completion_id, OLD.categories, OLD.judge) THEN
        RAISE EXCEPTION 'a verification set''s pairs are immutable: create a new version instead'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER "verification_pairs_fixed" BEFORE UPDATE ON "verification_pairs"
    FOR EACH ROW EXECUTE FUNCTION "medpref_verification_pair_fixed"();

-- A clinician's turn at a pair, leased as ranking assignments are; the order shown is stored.
CREATE TABLE "verification_assignments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pair_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" "assignment_status" NOT NULL DEFAULT 'ACTIVE',
    "lease_expires_at" TIMESTAMPTZ(3),
    -- true: the source's chosen completion is shown as A.
    "chosen_shown_first" BOOLEAN NOT NULL,
    "is_gold" BOOLEAN NOT NULL DEFAULT false,
    "draft" JSONB,
    "draft_updated_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "verification_assignments_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "verification_assignments_pair_id_user_id_key" ON "verification_assignments" ("pair_id", "user_id");
CREATE INDEX "verification_assignments_pair_id_status_idx" ON "verification_assignments" ("pair_id", "status");
CREATE INDEX "verification_assignments_user_id_status_idx" ON "verification_assignments" ("user_id", "status");
CREATE INDEX "verification_assignments_status_lease_expires_at_idx" ON "verification_assignments" ("status", "lease_expires_at");
ALTER TABLE "verification_assignments" ADD CONSTRAINT "verification_assignments_pair_id_fkey" FOREIGN KEY ("pair_id") REFERENCES "verification_pairs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "verification_assignments" ADD CONSTRAINT "verification_assignments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- One vote per rater and pair (revised in place within the edit window; each revision is audited).
-- Imported votes belong to the user with that email, or to an external rater of that name.
CREATE TABLE "verification_votes" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "pair_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "vote" "pair_vote" NOT NULL,
    "confidence" INTEGER,
    "rationale" TEXT NOT NULL DEFAULT '',
    "flags" TEXT[] NOT NULL DEFAULT '{}',
    -- As the rater saw the pair (null for an imported vote).
    "chosen_shown_first" BOOLEAN,
    "time_on_task_ms" INTEGER,
    "imported" BOOLEAN NOT NULL DEFAULT false,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "verification_votes_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "verification_votes_confidence" CHECK ("confidence" IS NULL OR "confidence" BETWEEN 1 AND 5)
);
CREATE UNIQUE INDEX "verification_votes_pair_id_user_id_key" ON "verification_votes" ("pair_id", "user_id");
CREATE INDEX "verification_votes_user_id_idx" ON "verification_votes" ("user_id");
ALTER TABLE "verification_votes" ADD CONSTRAINT "verification_votes_pair_id_fkey" FOREIGN KEY ("pair_id") REFERENCES "verification_pairs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "verification_votes" ADD CONSTRAINT "verification_votes_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- A reward model's (or judge's, or a reference's) accuracy on a set or on an export's test split.
CREATE TABLE "rm_evaluations" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "set_id" UUID,
    "export_id" UUID,
    "name" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    -- "scores": uploaded scores; "judge": an endpoint judged the pairs (judge_run_id).
    "kind" TEXT NOT NULL,
    "judge_run_id" UUID,
    "pairs" INTEGER NOT NULL,
    -- {accuracy: {all, easy, hard, length, human, macro}, ci95: {...}, counts: {...}}
    "results" JSONB NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT now(),
    CONSTRAINT "rm_evaluations_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "rm_evaluations_one_target" CHECK (("set_id" IS NULL) <> ("export_id" IS NULL)),
    CONSTRAINT "rm_evaluations_kind" CHECK ("kind" IN ('scores', 'judge'))
);
CREATE INDEX "rm_evaluations_set_id_idx" ON "rm_evaluations" ("set_id");
CREATE INDEX "rm_evaluations_export_id_idx" ON "rm_evaluations" ("export_id");
ALTER TABLE "rm_evaluations" ADD CONSTRAINT "rm_evaluations_set_id_fkey" FOREIGN KEY ("set_id") REFERENCES "verification_sets"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "rm_evaluations" ADD CONSTRAINT "rm_evaluations_export_id_fkey" FOREIGN KEY ("export_id") REFERENCES "exports"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "rm_evaluations" ADD CONSTRAINT "rm_evaluations_judge_run_id_fkey" FOREIGN KEY ("judge_run_id") REFERENCES "judge_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "rm_evaluations" ADD CONSTRAINT "rm_evaluations_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- Judge-uncertain routing of the ranking queue (issue 17, 6).
ALTER TABLE "projects" ADD COLUMN "queue_order" TEXT NOT NULL DEFAULT 'completion';
ALTER TABLE "projects" ADD CONSTRAINT "projects_queue_order" CHECK ("queue_order" IN ('completion', 'judge-uncertain'));
