-- Requests sent to an LLM endpoint whose outcome is not recorded yet: a row is written before a
-- request goes out and deleted in the transaction that records the outcome and its spend. A row
-- left behind by a worker that died (kill -9) is a request that may have been paid for: the run
-- page counts it as "possibly paid", apart from the recorded spend.
CREATE TABLE "judge_call_sends" (
    "id" BIGSERIAL NOT NULL,
    "run_id" UUID NOT NULL,
    "prompt_id" UUID NOT NULL,
    "unit_index" INTEGER NOT NULL,
    "job_id" TEXT,
    "model" TEXT NOT NULL,
    "estimated_input_tokens" INTEGER NOT NULL,
    "sent_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    CONSTRAINT "judge_call_sends_pkey" PRIMARY KEY ("id")
);
CREATE INDEX "judge_call_sends_run_id_idx" ON "judge_call_sends"("run_id");
ALTER TABLE "judge_call_sends" ADD CONSTRAINT "judge_call_sends_run_id_fkey" FOREIGN KEY ("run_id") REFERENCES "judge_runs"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- An endpoint that runs still point at is archived instead of deleted: hidden from new runs.
ALTER TABLE "llm_endpoints" ADD COLUMN "archived_at" TIMESTAMPTZ(3);
