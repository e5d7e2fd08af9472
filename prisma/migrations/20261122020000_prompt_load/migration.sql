-- Claiming the next prompt must not count every prompt's assignments: each prompt keeps its
-- load (assignments ACTIVE or SUBMITTED), maintained by a trigger so no code path can forget it.
-- Expired leases stay counted until the claim that expires them (it does so before picking).
ALTER TABLE "prompts" ADD COLUMN "human_load" INTEGER NOT NULL DEFAULT 0;
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_human_load_non_negative" CHECK ("human_load" >= 0);
UPDATE "prompts" p SET "human_load" = (SELECT count(*) FROM "assignments" a WHERE a."prompt_id" = p."id" AND a."status" IN ('ACTIVE', 'SUBMITTED'));
CREATE INDEX "prompts_project_id_human_load_idx" ON "prompts"("project_id", "human_load");

CREATE FUNCTION "medpref_track_prompt_load"() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    was INTEGER := 0;
    now_counts INTEGER := 0;
BEGIN
    IF TG_OP IN ('UPDATE', 'DELETE') AND OLD."status" IN ('ACTIVE', 'SUBMITTED') THEN was := 1; END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') AND NEW."status" IN ('ACTIVE', 'SUBMITTED') THEN now_counts := 1; END IF;
    IF TG_OP = 'UPDATE' AND OLD."prompt_id" <> NEW."prompt_id" THEN
        UPDATE "prompts" SET "human_load" = "human_load" - was WHERE "id" = OLD."prompt_id" AND was = 1;
        UPDATE "prompts" SET "human_load" = "human_load" + now_counts WHERE "id" = NEW."prompt_id" AND now_counts = 1;
    ELSIF now_counts <> was THEN
        UPDATE "prompts" SET "human_load" = "human_load" + (now_counts - was) WHERE "id" = COALESCE(NEW."prompt_id", OLD."prompt_id");
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER "assignments_track_prompt_load" AFTER INSERT OR DELETE OR UPDATE OF "status", "prompt_id" ON "assignments"
    FOR EACH ROW EXECUTE FUNCTION "medpref_track_prompt_load"();
