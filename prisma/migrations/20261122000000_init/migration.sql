-- MedPref initial schema. Mirrors prisma/schema.prisma; test/integration/schema-drift checks it.
-- Invariants Prisma cannot express (checks, partial unique indexes, immutability) live here too.

-- Enums
CREATE TYPE "role" AS ENUM ('ADMIN', 'CLINICIAN', 'RESEARCHER');
CREATE TYPE "ranking_kind" AS ENUM ('HUMAN', 'JUDGE', 'GOLD', 'ADJUDICATED');
CREATE TYPE "assignment_status" AS ENUM ('ACTIVE', 'SUBMITTED', 'SKIPPED', 'EXPIRED', 'RELEASED');
CREATE TYPE "import_status" AS ENUM ('RUNNING', 'SUCCEEDED', 'FAILED');
CREATE TYPE "run_kind" AS ENUM ('JUDGE', 'GENERATE');
CREATE TYPE "run_mode" AS ENUM ('REALTIME', 'BATCH');
CREATE TYPE "run_status" AS ENUM ('QUEUED', 'RUNNING', 'PAUSED', 'COMPLETED', 'FAILED', 'CANCELLED');
CREATE TYPE "call_status" AS ENUM ('PENDING', 'SUCCEEDED', 'FAILED');
CREATE TYPE "export_status" AS ENUM ('QUEUED', 'RUNNING', 'READY', 'FAILED');
CREATE TYPE "idempotency_state" AS ENUM ('IN_FLIGHT', 'DONE');

-- Users and sign-in
CREATE TABLE "users" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "password_hash" TEXT,
    "role" "role" NOT NULL,
    "specialties" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "active" BOOLEAN NOT NULL DEFAULT true,
    "is_external" BOOLEAN NOT NULL DEFAULT false,
    "pseudonym" TEXT NOT NULL,
    "oidc_subject" TEXT,
    "last_login_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "users_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "users_email_lowercase" CHECK ("email" = lower("email") AND "email" LIKE '%_@_%'),
    CONSTRAINT "users_name_not_blank" CHECK (length(btrim("name")) > 0),
    CONSTRAINT "users_pseudonym_not_blank" CHECK (length("pseudonym") > 0),
    CONSTRAINT "users_external_cannot_sign_in" CHECK (NOT "is_external" OR ("password_hash" IS NULL AND "oidc_subject" IS NULL))
);
CREATE UNIQUE INDEX "users_email_key" ON "users"("email");
CREATE UNIQUE INDEX "users_pseudonym_key" ON "users"("pseudonym");
CREATE UNIQUE INDEX "users_oidc_subject_key" ON "users"("oidc_subject");

CREATE TABLE "login_attempts" (
    "id" BIGSERIAL NOT NULL,
    "email" TEXT NOT NULL,
    "ip" TEXT NOT NULL,
    "success" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "login_attempts_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "login_attempts_email_created_at_idx" ON "login_attempts"("email", "created_at");
CREATE INDEX "login_attempts_ip_created_at_idx" ON "login_attempts"("ip", "created_at");

-- Projects, imports, prompts, completions
CREATE TABLE "projects" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "guidelines" TEXT NOT NULL DEFAULT '',
    "overlap_k" INTEGER NOT NULL DEFAULT 3,
    "allow_ties" BOOLEAN NOT NULL DEFAULT false,
    "show_reference" BOOLEAN NOT NULL DEFAULT false,
    "edit_window_minutes" INTEGER NOT NULL DEFAULT 1440,
    "lease_minutes" INTEGER NOT NULL DEFAULT 30,
    "gold_rate" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "specialty_matching" BOOLEAN NOT NULL DEFAULT false,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "projects_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "projects_slug_format" CHECK ("slug" ~ '^[a-z0-9][a-z0-9-]{1,62}$'),
    CONSTRAINT "projects_name_not_blank" CHECK (length(btrim("name")) > 0),
    CONSTRAINT "projects_overlap_k_range" CHECK ("overlap_k" BETWEEN 1 AND 100),
    CONSTRAINT "projects_edit_window_non_negative" CHECK ("edit_window_minutes" >= 0),
    CONSTRAINT "projects_lease_minutes_range" CHECK ("lease_minutes" BETWEEN 1 AND 10080),
    CONSTRAINT "projects_gold_rate_range" CHECK ("gold_rate" >= 0 AND "gold_rate" <= 1)
);
CREATE UNIQUE INDEX "projects_slug_key" ON "projects"("slug");

CREATE TABLE "imports" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "file_name" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "status" "import_status" NOT NULL DEFAULT 'RUNNING',
    "bytes_total" BIGINT NOT NULL DEFAULT 0,
    "bytes_read" BIGINT NOT NULL DEFAULT 0,
    "records_read" INTEGER NOT NULL DEFAULT 0,
    "prompts_added" INTEGER NOT NULL DEFAULT 0,
    "prompts_duplicate" INTEGER NOT NULL DEFAULT 0,
    "completions_added" INTEGER NOT NULL DEFAULT 0,
    "records_rejected" INTEGER NOT NULL DEFAULT 0,
    "report" JSONB NOT NULL DEFAULT '{}',
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "imports_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "imports_counts_non_negative" CHECK ("prompts_added" >= 0 AND "prompts_duplicate" >= 0 AND "completions_added" >= 0 AND "records_rejected" >= 0 AND "records_read" >= 0)
);
CREATE INDEX "imports_project_id_created_at_idx" ON "imports"("project_id", "created_at");
CREATE INDEX "imports_status_updated_at_idx" ON "imports"("status", "updated_at");

CREATE TABLE "prompts" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "import_id" UUID,
    "external_id" TEXT,
    "messages" JSONB NOT NULL,
    "reference_answer" TEXT,
    "source" TEXT,
    "prompt_type" TEXT,
    "tags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "content_hash" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "prompts_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "prompts_messages_non_empty_array" CHECK (jsonb_typeof("messages") = 'array' AND jsonb_array_length("messages") >= 1),
    CONSTRAINT "prompts_metadata_object" CHECK (jsonb_typeof("metadata") = 'object'),
    CONSTRAINT "prompts_content_hash_sha256" CHECK ("content_hash" ~ '^[0-9a-f]{64}$')
);
CREATE UNIQUE INDEX "prompts_project_id_content_hash_key" ON "prompts"("project_id", "content_hash");
CREATE INDEX "prompts_project_id_external_id_idx" ON "prompts"("project_id", "external_id");
CREATE INDEX "prompts_project_id_source_prompt_type_idx" ON "prompts"("project_id", "source", "prompt_type");

CREATE TABLE "completions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "prompt_id" UUID NOT NULL,
    "model" TEXT NOT NULL,
    "text" TEXT NOT NULL,
    "position" INTEGER NOT NULL,
    "content_hash" TEXT NOT NULL,
    "generated_by_run_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "completions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "completions_position_range" CHECK ("position" >= 0 AND "position" < 64),
    CONSTRAINT "completions_text_not_empty" CHECK (length(btrim("text")) > 0),
    CONSTRAINT "completions_model_not_blank" CHECK (length(btrim("model")) > 0),
    CONSTRAINT "completions_content_hash_sha256" CHECK ("content_hash" ~ '^[0-9a-f]{64}$')
);
CREATE UNIQUE INDEX "completions_prompt_id_position_key" ON "completions"("prompt_id", "position");
CREATE UNIQUE INDEX "completions_prompt_id_model_key" ON "completions"("prompt_id", "model");

-- Assignments and rankings
CREATE TABLE "assignments" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "prompt_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "status" "assignment_status" NOT NULL DEFAULT 'ACTIVE',
    "lease_expires_at" TIMESTAMPTZ(3),
    "shown_order" UUID[],
    "is_gold" BOOLEAN NOT NULL DEFAULT false,
    "draft" JSONB,
    "draft_updated_at" TIMESTAMPTZ(3),
    "skip_reason" TEXT,
    "assigned_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "assignments_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "assignments_active_has_lease" CHECK ("status" <> 'ACTIVE' OR "lease_expires_at" IS NOT NULL),
    CONSTRAINT "assignments_skip_has_reason" CHECK ("status" <> 'SKIPPED' OR "skip_reason" IS NOT NULL)
);
CREATE UNIQUE INDEX "assignments_prompt_id_user_id_key" ON "assignments"("prompt_id", "user_id");
CREATE INDEX "assignments_user_id_status_idx" ON "assignments"("user_id", "status");
CREATE INDEX "assignments_status_lease_expires_at_idx" ON "assignments"("status", "lease_expires_at");

CREATE TABLE "rankings" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "prompt_id" UUID NOT NULL,
    "kind" "ranking_kind" NOT NULL,
    "rater_id" UUID,
    "judge_run_id" UUID,
    "permutation_index" INTEGER,
    "assignment_id" UUID,
    "revision" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "rankings_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "rankings_revision_positive" CHECK ("revision" >= 1),
    CONSTRAINT "rankings_rater_matches_kind" CHECK (
        ("kind" = 'JUDGE' AND "judge_run_id" IS NOT NULL AND "permutation_index" IS NOT NULL AND "permutation_index" >= 0 AND "rater_id" IS NULL)
        OR ("kind" <> 'JUDGE' AND "rater_id" IS NOT NULL AND "judge_run_id" IS NULL AND "permutation_index" IS NULL)
    )
);
CREATE UNIQUE INDEX "rankings_assignment_id_key" ON "rankings"("assignment_id");
CREATE UNIQUE INDEX "rankings_judge_run_id_prompt_id_permutation_index_key" ON "rankings"("judge_run_id", "prompt_id", "permutation_index");
CREATE INDEX "rankings_prompt_id_kind_idx" ON "rankings"("prompt_id", "kind");
CREATE INDEX "rankings_rater_id_idx" ON "rankings"("rater_id");
-- One human ranking per rater and prompt (revisions change it), one gold and one adjudicated per prompt.
CREATE UNIQUE INDEX "rankings_one_human_per_rater" ON "rankings"("prompt_id", "rater_id") WHERE "kind" = 'HUMAN';
CREATE UNIQUE INDEX "rankings_one_gold_per_prompt" ON "rankings"("prompt_id") WHERE "kind" = 'GOLD';
CREATE UNIQUE INDEX "rankings_one_adjudicated_per_prompt" ON "rankings"("prompt_id") WHERE "kind" = 'ADJUDICATED';

CREATE TABLE "ranking_revisions" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "ranking_id" UUID NOT NULL,
    "revision" INTEGER NOT NULL,
    "author_id" UUID,
    "rationale" TEXT,
    "flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "time_on_task_ms" INTEGER,
    "shown_order" UUID[],
    "idempotency_key" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "ranking_revisions_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "ranking_revisions_revision_positive" CHECK ("revision" >= 1),
    CONSTRAINT "ranking_revisions_time_non_negative" CHECK ("time_on_task_ms" IS NULL OR "time_on_task_ms" >= 0)
);
CREATE UNIQUE INDEX "ranking_revisions_idempotency_key_key" ON "ranking_revisions"("idempotency_key");
CREATE UNIQUE INDEX "ranking_revisions_ranking_id_revision_key" ON "ranking_revisions"("ranking_id", "revision");

CREATE TABLE "ranking_entries" (
    "revision_id" UUID NOT NULL,
    "completion_id" UUID NOT NULL,
    "rank" INTEGER NOT NULL,
    "score" DOUBLE PRECISION,
    "comment" TEXT,
    "flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "shown_position" INTEGER,
    CONSTRAINT "ranking_entries_pkey" PRIMARY KEY ("revision_id", "completion_id"),
    CONSTRAINT "ranking_entries_rank_positive" CHECK ("rank" >= 1 AND "rank" <= 64),
    CONSTRAINT "ranking_entries_score_range" CHECK ("score" IS NULL OR ("score" >= 0 AND "score" <= 10)),
    CONSTRAINT "ranking_entries_shown_position_range" CHECK ("shown_position" IS NULL OR "shown_position" >= 0),
    CONSTRAINT "ranking_entries_known_flags" CHECK ("flags" <@ ARRAY['factually-incorrect', 'unsafe', 'hallucinated-reference', 'incomplete']::TEXT[])
);
CREATE INDEX "ranking_entries_completion_id_idx" ON "ranking_entries"("completion_id");

-- Revisions and their entries are history: never rewritten. (CASCADE from a deleted project
-- still removes them: the trigger allows deletes only when the parent ranking is gone.)
CREATE FUNCTION "medpref_refuse_update"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% rows are immutable: write a new revision instead', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END $$;
CREATE TRIGGER "ranking_revisions_immutable" BEFORE UPDATE ON "ranking_revisions"
    FOR EACH ROW EXECUTE FUNCTION "medpref_refuse_update"();
CREATE TRIGGER "ranking_entries_immutable" BEFORE UPDATE ON "ranking_entries"
    FOR EACH ROW EXECUTE FUNCTION "medpref_refuse_update"();

CREATE TABLE "idempotency_keys" (
    "user_id" UUID NOT NULL,
    "key" TEXT NOT NULL,
    "request_hash" TEXT NOT NULL,
    "state" "idempotency_state" NOT NULL DEFAULT 'IN_FLIGHT',
    "status_code" INTEGER,
    "response" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "idempotency_keys_pkey" PRIMARY KEY ("user_id", "key"),
    CONSTRAINT "idempotency_keys_key_length" CHECK (length("key") BETWEEN 8 AND 200)
);

-- LLM endpoints, judge templates, runs and calls
CREATE TABLE "llm_endpoints" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "base_url" TEXT NOT NULL,
    "api_key_env" TEXT NOT NULL,
    "model_prices" JSONB NOT NULL DEFAULT '{}',
    "supports_structured_output" BOOLEAN NOT NULL DEFAULT false,
    "supports_batch" BOOLEAN NOT NULL DEFAULT false,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "llm_endpoints_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "llm_endpoints_base_url_http" CHECK ("base_url" ~ '^https?://'),
    CONSTRAINT "llm_endpoints_api_key_env_name" CHECK ("api_key_env" ~ '^[A-Za-z_][A-Za-z0-9_]*$')
);
CREATE UNIQUE INDEX "llm_endpoints_name_key" ON "llm_endpoints"("name");

CREATE TABLE "judge_templates" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "key" TEXT NOT NULL,
    "version" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "style" TEXT NOT NULL,
    "system_prompt" TEXT NOT NULL,
    "user_template" TEXT NOT NULL,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "judge_templates_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "judge_templates_version_positive" CHECK ("version" >= 1),
    CONSTRAINT "judge_templates_style" CHECK ("style" IN ('LISTWISE', 'PAIRWISE'))
);
CREATE UNIQUE INDEX "judge_templates_key_version_key" ON "judge_templates"("key", "version");
CREATE TRIGGER "judge_templates_immutable" BEFORE UPDATE ON "judge_templates"
    FOR EACH ROW EXECUTE FUNCTION "medpref_refuse_update"();

CREATE TABLE "judge_runs" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "project_id" UUID NOT NULL,
    "kind" "run_kind" NOT NULL DEFAULT 'JUDGE',
    "mode" "run_mode" NOT NULL DEFAULT 'REALTIME',
    "status" "run_status" NOT NULL DEFAULT 'QUEUED',
    "name" TEXT NOT NULL,
    "endpoint_id" UUID,
    "model" TEXT,
    "template_id" UUID,
    "temperature" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "permutations" INTEGER NOT NULL DEFAULT 2,
    "max_concurrency" INTEGER NOT NULL DEFAULT 8,
    "max_retries" INTEGER NOT NULL DEFAULT 2,
    "budget_calls" INTEGER,
    "budget_tokens" BIGINT,
    "budget_cost_usd" DOUBLE PRECISION,
    "seed" INTEGER NOT NULL DEFAULT 0,
    "filter" JSONB NOT NULL DEFAULT '{}',
    "config" JSONB NOT NULL DEFAULT '{}',
    "paused_reason" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "judge_runs_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "judge_runs_permutations_range" CHECK ("permutations" BETWEEN 1 AND 24),
    CONSTRAINT "judge_runs_concurrency_positive" CHECK ("max_concurrency" >= 1),
    CONSTRAINT "judge_runs_retries_non_negative" CHECK ("max_retries" >= 0),
    CONSTRAINT "judge_runs_temperature_range" CHECK ("temperature" >= 0 AND "temperature" <= 2),
    CONSTRAINT "judge_runs_budgets_positive" CHECK (("budget_calls" IS NULL OR "budget_calls" > 0) AND ("budget_tokens" IS NULL OR "budget_tokens" > 0) AND ("budget_cost_usd" IS NULL OR "budget_cost_usd" > 0))
);
CREATE INDEX "judge_runs_project_id_idx" ON "judge_runs"("project_id");

CREATE TABLE "judge_batches" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "run_id" UUID NOT NULL,
    "remote_batch_id" TEXT,
    "input_file_id" TEXT,
    "output_file_id" TEXT,
    "error_file_id" TEXT,
    "status" TEXT NOT NULL,
    "request_count" INTEGER NOT NULL DEFAULT 0,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "judge_batches_pkey" PRIMARY KEY ("id")
);
CREATE UNIQUE INDEX "judge_batches_remote_batch_id_key" ON "judge_batches"("remote_batch_id");
CREATE INDEX "judge_batches_run_id_idx" ON "judge_batches"("run_id");

CREATE TABLE "judge_calls" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "run_id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "permutation_index" INTEGER NOT NULL,
    "attempt" INTEGER NOT NULL DEFAULT 1,
    "status" "call_status" NOT NULL DEFAULT 'PENDING',
    "shown_order" UUID[],
    "request" JSONB NOT NULL,
    "response" JSONB,
    "error" TEXT,
    "input_tokens" INTEGER,
    "output_tokens" INTEGER,
    "cost_usd" DOUBLE PRECISION,
    "latency_ms" INTEGER,
    "batch_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "judge_calls_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "judge_calls_attempt_positive" CHECK ("attempt" >= 1),
    CONSTRAINT "judge_calls_permutation_non_negative" CHECK ("permutation_index" >= 0)
);
CREATE UNIQUE INDEX "judge_calls_run_id_prompt_id_permutation_index_attempt_key" ON "judge_calls"("run_id", "prompt_id", "permutation_index", "attempt");
CREATE INDEX "judge_calls_run_id_status_idx" ON "judge_calls"("run_id", "status");

-- Exports
CREATE TABLE "exports" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "config" JSONB NOT NULL,
    "config_hash" TEXT NOT NULL,
    "status" "export_status" NOT NULL DEFAULT 'QUEUED',
    "progress" DOUBLE PRECISION NOT NULL DEFAULT 0,
    "rows_written" INTEGER NOT NULL DEFAULT 0,
    "manifest" JSONB,
    "error" TEXT,
    "created_by_id" UUID,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "started_at" TIMESTAMPTZ(3),
    "finished_at" TIMESTAMPTZ(3),
    CONSTRAINT "exports_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "exports_progress_range" CHECK ("progress" >= 0 AND "progress" <= 1)
);
CREATE INDEX "exports_created_at_idx" ON "exports"("created_at");

CREATE TABLE "export_files" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "export_id" UUID NOT NULL,
    "path" TEXT NOT NULL,
    "bytes" BIGINT NOT NULL,
    "sha256" TEXT NOT NULL,
    "rows" INTEGER NOT NULL DEFAULT 0,
    CONSTRAINT "export_files_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "export_files_sha256" CHECK ("sha256" ~ '^[0-9a-f]{64}$'),
    CONSTRAINT "export_files_bytes_non_negative" CHECK ("bytes" >= 0)
);
CREATE UNIQUE INDEX "export_files_export_id_path_key" ON "export_files"("export_id", "path");

-- Audit log: append-only.
CREATE TABLE "audit_log" (
    "id" BIGSERIAL NOT NULL,
    "actor_id" UUID,
    "action" TEXT NOT NULL,
    "entity_type" TEXT NOT NULL,
    "entity_id" TEXT,
    "before" JSONB,
    "after" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "audit_log_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "audit_log_created_at_idx" ON "audit_log"("created_at");
CREATE INDEX "audit_log_entity_type_entity_id_idx" ON "audit_log"("entity_type", "entity_id");
CREATE INDEX "audit_log_actor_id_created_at_idx" ON "audit_log"("actor_id", "created_at");
-- Only the actor link may change (ON DELETE SET NULL when a user is removed).
CREATE FUNCTION "medpref_audit_append_only"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW."action" IS DISTINCT FROM OLD."action" OR NEW."entity_type" IS DISTINCT FROM OLD."entity_type"
       OR NEW."entity_id" IS DISTINCT FROM OLD."entity_id" OR NEW."before" IS DISTINCT FROM OLD."before"
       OR NEW."after" IS DISTINCT FROM OLD."after" OR NEW."created_at" IS DISTINCT FROM OLD."created_at" THEN
        RAISE EXCEPTION 'audit_log rows are append-only' USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER "audit_log_append_only" BEFORE UPDATE ON "audit_log"
    FOR EACH ROW EXECUTE FUNCTION "medpref_audit_append_only"();

CREATE TABLE "api_tokens" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "user_id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "token_hash" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "scopes" TEXT[],
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "last_used_at" TIMESTAMPTZ(3),
    "expires_at" TIMESTAMPTZ(3),
    "revoked_at" TIMESTAMPTZ(3),
    CONSTRAINT "api_tokens_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "api_tokens_token_hash_sha256" CHECK ("token_hash" ~ '^[0-9a-f]{64}$'),
    CONSTRAINT "api_tokens_scopes_known" CHECK ("scopes" <@ ARRAY['exports:read']::TEXT[])
);
CREATE UNIQUE INDEX "api_tokens_token_hash_key" ON "api_tokens"("token_hash");

-- Foreign keys
ALTER TABLE "projects" ADD CONSTRAINT "projects_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "imports" ADD CONSTRAINT "imports_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "imports" ADD CONSTRAINT "imports_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "prompts" ADD CONSTRAINT "prompts_import_id_fkey" FOREIGN KEY ("import_id") REFERENCES "imports"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "completions" ADD CONSTRAINT "completions_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "completions" ADD CONSTRAINT "completions_generated_by_run_id_fkey" FOREIGN KEY ("generated_by_run_id") REFERENCES "judge_runs"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "assignments" ADD CONSTRAINT "assignments_assigned_by_id_fkey" FOREIGN KEY ("assigned_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "rankings" ADD CONSTRAINT "rankings_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "rankings" ADD CONSTRAINT "rankings_rater_id_fkey" FOREIGN KEY ("rater_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "rankings" ADD CONSTRAINT "rankings_judge_run_id_fkey" FOREIGN KEY ("judge_run_id") REFERENCES "judge_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "rankings" ADD CONSTRAINT "rankings_assignment_id_fkey" FOREIGN KEY ("assignment_id") REFERENCES "assignments"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ranking_revisions" ADD CONSTRAINT "ranking_revisions_ranking_id_fkey" FOREIGN KEY ("ranking_id") REFERENCES "rankings"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ranking_revisions" ADD CONSTRAINT "ranking_revisions_author_id_fkey" FOREIGN KEY ("author_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "ranking_entries" ADD CONSTRAINT "ranking_entries_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "ranking_revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "ranking_entries" ADD CONSTRAINT "ranking_entries_completion_id_fkey" FOREIGN KEY ("completion_id") REFERENCES "completions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "idempotency_keys" ADD CONSTRAINT "idempotency_keys_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "judge_templates" ADD CONSTRAINT "judge_templates_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "judge_runs" ADD CONSTRAINT "judge_runs_project_id_fkey" FOREIGN KEY ("project_id") REFERENCES "projects"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "judge_runs" ADD CONSTRAINT "judge_runs_endpoint_id_fkey" FOREIGN KEY ("endpoint_id") REFERENCES "llm_endpoints"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "judge_runs" ADD CONSTRAINT "judge_runs_template_id_fkey" FOREIGN KEY ("template_id") REFERENCES "judge_templates"("id") ON DELETE RESTRICT ON UPDATE CASCADE;
ALTER TABLE "judge_runs" ADD CONSTRAINT "judge_runs_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "judge_batches" ADD CONSTRAINT "judge_batches_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "judge_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "judge_calls" ADD CONSTRAINT "judge_calls_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "judge_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "judge_calls" ADD CONSTRAINT "judge_calls_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "judge_calls" ADD CONSTRAINT "judge_calls_batch_id_fkey" FOREIGN KEY ("batch_id") REFERENCES "judge_batches"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "exports" ADD CONSTRAINT "exports_created_by_id_fkey" FOREIGN KEY ("created_by_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "export_files" ADD CONSTRAINT "export_files_export_id_fkey" FOREIGN KEY ("export_id") REFERENCES "exports"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "audit_log" ADD CONSTRAINT "audit_log_actor_id_fkey" FOREIGN KEY ("actor_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE CASCADE;
ALTER TABLE "api_tokens" ADD CONSTRAINT "api_tokens_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
