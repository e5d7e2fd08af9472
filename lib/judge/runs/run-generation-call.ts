import "server-only";
import type OpenAI from "openai";
import { type RunStatus, UnitState } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { judgeClient, transportProblem } from "@/lib/judge/call-judge";
import { completionContentHash } from "@/lib/import/content-hash";
import type { Message } from "@/lib/core/messages";
import type { GeneratorModel } from "@/lib/judge/runs/create-generation-run";
import type { GenerateUnitJob } from "@/lib/jobs/jobs";
import { ACTIVE_RUN_STATUSES } from "@/lib/judge/runs/run-state";
import { inRunSlot, RetryLaterError, type JobContext, type UnitResult } from "@/lib/judge/runs/run-unit";
import { sendLedger } from "@/lib/judge/runs/send-ledger";
import { completeRunIfDone, recordUnitOutcome, type CallRecord } from "@/lib/judge/runs/unit-outcome";

/**
 * One (run, prompt, generator model) job of a generation run: samples one completion from the
 * model and stores it as a candidate of the prompt under the model's name (once: a prompt holds
 * one candidate per model). An empty answer is asked again up to the run's repair limit.
 */
export async function runGenerationCall(job: GenerateUnitJob, ctx: JobContext): Promise<UnitResult> {
  const row = await queryOne<{
    status: RunStatus;
    maxConcurrency: number;
    maxRetries: number;
    config: { models: GeneratorModel[]; targetCandidates: number };
    messages: Message[];
    unitState: UnitState | null;
  }>(
    pool(),
    sql`SELECT r.status, r.max_concurrency, r.max_retries, r.config, p.messages,
            (SELECT u.state FROM judge_units u WHERE u.run_id = r.id AND u.prompt_id = ${job.promptId}::uuid AND u.unit_index = ${job.modelIndex}) AS unit_state
       FROM judge_runs r JOIN prompts p ON p.id = ${job.promptId}::uuid WHERE r.id = ${job.runId}`,
  );
  if (!row || !ACTIVE_RUN_STATUSES.has(row.status)) return "skipped";
  if (row.unitState !== UnitState.PENDING) return "exists";
  const spec = row.config.models[job.modelIndex];
  if (!spec) throw new Error(`The run has no generator model #${job.modelIndex}.`);
  const endpoint = await queryOne<{ baseUrl: string; apiKeyEnv: string; modelPrices: unknown }>(
    pool(),
    sql`SELECT base_url, api_key_env, model_prices FROM llm_endpoints WHERE id = ${spec.endpointId}`,
  );
  if (!endpoint) throw new Error(`The endpoint of the generator model "${spec.model}" was deleted.`);
  return inRunSlot(job.runId, row.maxConcurrency, ctx.jobId, { promptId: job.promptId, unitIndex: job.modelIndex }, async (slot) => {
    const ledger = sendLedger({ runId: job.runId, promptId: job.promptId, unitIndex: job.modelIndex, jobId: ctx.jobId });
    const client = judgeClient({ baseUrl: endpoint.baseUrl, apiKeyEnv: endpoint.apiKeyEnv });
    const request = {
      model: spec.model,
      temperature: spec.temperature,
      max_tokens: spec.maxTokens,
      messages: [
        ...(spec.systemPrompt.trim() ? [{ role: "system" as const, content: spec.systemPrompt }] : []),
        ...row.messages.map((m) => ({ role: m.role, content: m.content })),
      ],
    };
    const calls: CallRecord[] = [];
    let text: string | null = null;
    let transport = false;
    for (let attempt = 0; attempt <= row.maxRetries && text === null; attempt++) {
      const started = performance.now();
      try {
        const completion = await client.chat.completions.create(
          request as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming,
          ledger.requestOptions,
        );
        const content = completion.choices[0]?.message?.content?.trim() ?? "";
        const ok = content.length > 0;
        if (ok) text = content;
        calls.push({
          status: ok ? "SUCCEEDED" : "FAILED",
          shownOrder: null,
          request,
          response: completion,
          error: ok ? null : "the model returned an empty answer",
          inputTokens: completion.usage?.prompt_tokens ?? 0,
          outputTokens: completion.usage?.completion_tokens ?? 0,
          latencyMs: Math.round(performance.now() - started),
        });
      } catch (error) {
        transport = true;
        calls.push({
          status: "FAILED",
          shownOrder: null,
          request,
          response: null,
          error: transportProblem(error),
          inputTokens: 0,
          outputTokens: 0,
          latencyMs: Math.round(performance.now() - started),
        });
        break;
      }
    }
    const retry = text === null && transport && !ctx.lastDelivery;
    const result = await withTransaction(async (tx) => {
      // The prompt row is locked before anything else: storing the call records takes a key-share
      // lock on it (foreign key), and taking FOR UPDATE only later deadlocks two jobs of one prompt.
      if (text !== null) await execute(tx, sql`SELECT 1 FROM prompts WHERE id = ${job.promptId} FOR UPDATE`);
      return recordUnitOutcome(
        tx,
        { runId: job.runId, promptId: job.promptId, unitIndex: job.modelIndex },
        {
          calls,
          sends: ledger.sendIds,
          prices: endpoint.modelPrices,
          model: spec.model,
          shard: slot,
          outcome: text !== null ? "DONE" : retry ? "RETRY" : "FAILED",
          storeResult: text !== null ? () => storeGeneratedCompletion(tx, job, spec.model, text!, row.config.targetCandidates) : undefined,
        },
      );
    });
    if (retry) throw new RetryLaterError(calls.at(-1)?.error ?? "transport failure");
    await completeRunIfDone(job.runId);
    return result;
  });
}

/**
 * Adds the completion at the prompt's next position, unless the prompt already has one from this
 * model or has reached N meanwhile (the caller holds the prompt row's lock, so concurrent jobs
 * of the same prompt take positions one after another).
 */
async function storeGeneratedCompletion(tx: Tx, job: GenerateUnitJob, model: string, text: string, target: number): Promise<boolean> {
  // The project's completion count grows in the same statement (lib/projects/project-counts.ts).
  const inserted = await execute(
    tx,
    sql`WITH added AS (
          INSERT INTO completions (prompt_id, model, text, position, content_hash, generated_by_run_id)
          SELECT ${job.promptId}::uuid, ${model}, ${text}, coalesce(max(position), -1) + 1, ${completionContentHash(text)}, ${job.runId}::uuid
            FROM completions WHERE prompt_id = ${job.promptId}::uuid
          HAVING count(*) < ${target}
          ON CONFLICT (prompt_id, model) DO NOTHING
          RETURNING prompt_id)
        INSERT INTO project_counts (project_id, key, n) SELECT p.project_id, 'completions', 1 FROM added JOIN prompts p ON p.id = added.prompt_id`,
  );
  return inserted > 0;
}
