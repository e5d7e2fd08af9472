import type pg from "pg";
import { insertJudgeRanking } from "@/lib/annotation/store-revision";
import { pool } from "@/lib/db/pool";
import { withTransaction } from "@/lib/db/transaction";
import { callJudge, judgeClient, type JudgeAttempt } from "@/lib/judge/call-judge";
import { estimateCostUsd } from "@/lib/judge/endpoints";
import { judgePermutations } from "@/lib/judge/permutations";
import { renderJudgePrompt } from "@/lib/judge/templates";
import type { Message } from "@/lib/import/types";

export interface JudgeJob {
  runId: string;
  promptId: string;
  permutation: number;
}

/** Thrown when every concurrency slot of the run is taken: the queue retries the job later. */
export class RunBusyError extends Error {}

/**
 * One (run, prompt, permutation) job: skipped when the run is paused or cancelled or the result
 * is already stored; pauses the run when a budget is spent; holds one of the run's
 * `maxConcurrency` slots (Postgres advisory locks, so the limit holds across all workers)
 * during the call; stores the attempts and, for a valid answer, the ranking (once).
 */
export async function runJudgeCall(job: JudgeJob): Promise<"stored" | "exists" | "skipped" | "failed" | "budget"> {
  const { rows } = await pool().query(
    `SELECT r.id, r.status, r.model, r.temperature, r.permutations, r.max_concurrency, r.max_retries, r.seed,
            r.budget_calls, r.budget_tokens::float8 AS budget_tokens, r.budget_cost_usd,
            e.base_url, e.api_key_env, e.model_prices, e.supports_structured_output, t.system_prompt, t.user_template,
            EXISTS (SELECT 1 FROM rankings x WHERE x.judge_run_id = r.id AND x.prompt_id = $2 AND x.permutation_index = $3) AS done
       FROM judge_runs r JOIN llm_endpoints e ON e.id = r.endpoint_id JOIN judge_templates t ON t.id = r.template_id
      WHERE r.id = $1`,
    [job.runId, job.promptId, job.permutation],
  );
  const run = rows[0];
  if (!run || run.status === "PAUSED" || run.status === "CANCELLED" || run.status === "COMPLETED") return "skipped";
  if (run.done) return "exists";
  const slot = await takeSlot(job.runId, run.max_concurrency);
  try {
    // Spending is counted while the slot is held: at most the calls in flight can overshoot.
    const { rows: spent } = await pool().query<{ calls: number; tokens: number; cost: number }>(
      `SELECT count(*)::int AS calls, coalesce(sum(coalesce(input_tokens, 0) + coalesce(output_tokens, 0)), 0)::float8 AS tokens, coalesce(sum(cost_usd), 0)::float8 AS cost
         FROM judge_calls WHERE run_id = $1`,
      [job.runId],
    );
    const { calls, tokens, cost } = spent[0]!;
    const over =
      (run.budget_calls !== null && calls >= run.budget_calls && "calls") ||
      (run.budget_tokens !== null && tokens >= run.budget_tokens && "tokens") ||
      (run.budget_cost_usd !== null && cost >= run.budget_cost_usd && "cost");
    if (over) {
      await pool().query(`UPDATE judge_runs SET status = 'PAUSED', paused_reason = $2 WHERE id = $1 AND status IN ('QUEUED', 'RUNNING')`, [job.runId, `The ${over} budget is spent; raise it and resume.`]);
      return "budget";
    }
    const { rows: promptRows } = await pool().query<{ messages: Message[]; reference_answer: string | null; completions: { id: string; text: string }[] }>(
      `SELECT p.messages, p.reference_answer, (SELECT json_agg(json_build_object('id', c.id, 'text', c.text) ORDER BY c.position) FROM completions c WHERE c.prompt_id = p.id) AS completions
         FROM prompts p WHERE p.id = $1`,
      [job.promptId],
    );
    const prompt = promptRows[0]!;
    const order = judgePermutations(prompt.completions.map((c) => c.id), run.permutations, `${run.seed}:${job.promptId}`)[job.permutation]!;
    const textOf = new Map(prompt.completions.map((c) => [c.id, c.text]));
    const question = prompt.messages.filter((m) => m.role === "user").map((m) => m.content).join("\n\n");
    await pool().query(`UPDATE judge_runs SET status = 'RUNNING', started_at = coalesce(started_at, now()) WHERE id = $1 AND status = 'QUEUED'`, [job.runId]);
    const outcome = await callJudge({
      client: judgeClient({ baseUrl: run.base_url, apiKeyEnv: run.api_key_env }),
      model: run.model,
      temperature: run.temperature,
      systemPrompt: run.system_prompt,
      userPrompt: renderJudgePrompt({ userTemplate: run.user_template }, { question, reference: prompt.reference_answer, responses: order.map((id) => textOf.get(id)!) }),
      candidates: order.length,
      structuredOutputs: run.supports_structured_output,
      maxRepairs: run.max_retries,
    });
    return await withTransaction(async (tx) => {
      await storeAttempts(tx, job, order, outcome.attempts, run.model_prices, run.model, outcome.ok);
      if (!outcome.ok) return "failed";
      const scores = new Map(outcome.answer.feedback.map((f) => [f.position, f]));
      const stored = await insertJudgeRanking(tx, {
        promptId: job.promptId,
        judgeRunId: job.runId,
        permutationIndex: job.permutation,
        authorId: null,
        shownOrder: order,
        idempotencyKey: null,
        submission: {
          tiers: [...new Set(outcome.answer.ranks.values())].sort((a, b) => a - b).map((rank) => order.filter((_, i) => outcome.answer.ranks.get(i + 1) === rank)),
          details: Object.fromEntries(order.map((id, i) => {
            const f = scores.get(i + 1);
            const score = f?.score ?? null;
            return [id, { score: score !== null && score >= 1 && score <= 5 ? Math.round(score) : null, flags: [], comment: f?.evaluation || null }];
          })),
          rationale: null,
          timeOnTaskMs: outcome.attempts.reduce((n, a) => n + a.latencyMs, 0),
        },
      });
      return stored ? "stored" : "exists";
    });
  } finally {
    await slot.release();
  }
}

async function storeAttempts(tx: pg.PoolClient, job: JudgeJob, order: string[], attempts: JudgeAttempt[], prices: unknown, model: string, succeeded: boolean) {
  const { rows } = await tx.query<{ next: number }>(`SELECT coalesce(max(attempt), 0) + 1 AS next FROM judge_calls WHERE run_id = $1 AND prompt_id = $2 AND permutation_index = $3`, [job.runId, job.promptId, job.permutation]);
  let attempt = rows[0]!.next;
  for (const [i, a] of attempts.entries()) {
    const last = i === attempts.length - 1;
    await tx.query(
      `INSERT INTO judge_calls (run_id, prompt_id, permutation_index, attempt, status, shown_order, request, response, error, input_tokens, output_tokens, cost_usd, latency_ms, finished_at)
       VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7::jsonb, $8::jsonb, $9, $10, $11, $12, $13, now())`,
      [job.runId, job.promptId, job.permutation, attempt++, last && succeeded ? "SUCCEEDED" : "FAILED", order, JSON.stringify(a.request), JSON.stringify(a.response), a.problems.join("; ") || null, a.inputTokens, a.outputTokens, estimateCostUsd(prices, model, a.inputTokens, a.outputTokens), a.latencyMs],
    );
  }
}

/** One of the run's concurrency slots, as a session advisory lock held on a dedicated connection. */
async function takeSlot(runId: string, slots: number): Promise<{ release: () => Promise<void> }> {
  const client = await pool().connect();
  for (let slot = 0; slot < slots; slot++) {
    const { rows } = await client.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtext($1), $2) AS ok`, [`judge-run:${runId}`, slot]);
    if (rows[0]!.ok) {
      return {
        release: async () => {
          await client.query(`SELECT pg_advisory_unlock(hashtext($1), $2)`, [`judge-run:${runId}`, slot]).catch(() => undefined);
          client.release();
        },
      };
    }
  }
  client.release();
  throw new RunBusyError(`all ${slots} slots of run ${runId} are busy`);
}
