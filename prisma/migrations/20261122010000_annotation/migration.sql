-- Annotation: each clinician's agreement with gold rankings, stored when a gold prompt is submitted.
CREATE TABLE "gold_comparisons" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "revision_id" UUID NOT NULL,
    "gold_revision_id" UUID NOT NULL,
    "user_id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "kendall_tau_b" DOUBLE PRECISION,
    "pairwise_agreement" DOUBLE PRECISION NOT NULL,
    "top1_match" BOOLEAN NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "gold_comparisons_pkey" PRIMARY KEY ("id"),
    CONSTRAINT "gold_comparisons_tau_range" CHECK ("kendall_tau_b" IS NULL OR ("kendall_tau_b" >= -1.000001 AND "kendall_tau_b" <= 1.000001)),
    CONSTRAINT "gold_comparisons_pairwise_range" CHECK ("pairwise_agreement" >= 0 AND "pairwise_agreement" <= 1)
);
CREATE UNIQUE INDEX "gold_comparisons_revision_id_gold_revision_id_key" ON "gold_comparisons"("revision_id", "gold_revision_id");
CREATE INDEX "gold_comparisons_user_id_idx" ON "gold_comparisons"("user_id");
ALTER TABLE "gold_comparisons" ADD CONSTRAINT "gold_comparisons_revision_id_fkey" FOREIGN KEY ("revision_id") REFERENCES "ranking_revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "gold_comparisons" ADD CONSTRAINT "gold_comparisons_gold_revision_id_fkey" FOREIGN KEY ("gold_revision_id") REFERENCES "ranking_revisions"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "gold_comparisons" ADD CONSTRAINT "gold_comparisons_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
ALTER TABLE "gold_comparisons" ADD CONSTRAINT "gold_comparisons_prompt_id_fkey" FOREIGN KEY ("prompt_id") REFERENCES "prompts"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Claiming counts the live assignments of a prompt; this keeps that count an index lookup.
CREATE INDEX "assignments_prompt_id_status_idx" ON "assignments"("prompt_id", "status");
