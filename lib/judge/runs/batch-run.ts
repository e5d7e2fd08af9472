import "server-only";
import { toFile } from "openai";
import type OpenAI from "openai";
import { CallStatus, RunStatus, UnitState } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { judgeClient, type JudgeAttempt } from "@/lib/judge/call-judge";
import { judgeAnswerJsonSchema, parseJudgeAnswer, repairMessage } from "@/lib/judge/judge-answer";
import { attemptRecord, loadJudgeUnit, storeJudgeRanking } from "@/lib/judge/runs/run-judge-call";
import { SETTLED_RUN_STATUSES } from "@/lib/judge/runs/run-state";
import { changeRunStatus } from "@/lib/judge/runs/run-status";
import { completeRunIfDone, recordUnitOutcome, SPEND_SQL, spentBudget } from "@/lib/judge/runs/unit-outcome";
import { logger } from "@/lib/logger";

/**
 * OpenAI Batch mode (half price, answers within 24 h): the pending units of a run go into one
 * JSONL file, uploaded and submitted as a batch; a poll job follows it and ingests the output and
 * error files through the same validation and storage as real-time calls. Local batch rows are
 * written before the remote batch is created and carry its id once known, so a restart picks up
 * where it stopped; the remote batch is tagged with the local id, so a crash between creating it
 * and saving its id finds it again instead of paying twice.
 */
/** Batch calls cost half the real-time price. */
const BATCH_PRICE_FACTOR = 0.5;
const LIVE = ["submitting", "validating", "in_progress", "finalizing", "cancelling"];

interface BatchRun {
  id: string;
  status: RunStatus;
  model: string;
  maxRetries: number;
  supportsStructuredOutput: boolean;
  baseUrl: string;
  apiKeyEnv: string;
  modelPrices: unknown;
  budgetCalls: number | null;
  budgetTokens: number | null;
  budgetCostUsd: number | null;
  callsMade: number;
  tokensUsed: number;
  costUsd: number;
}

async function loadBatchRun(runId: string): Promise<BatchRun | undefined> {
  return queryOne<BatchRun>(
    pool(),
    sql`SELECT r.id, r.status, r.model, r.max_retries, e.supports_structured_output, e.base_url, e.api_key_env, e.model_prices,
            r.budget_calls, r.budget_tokens::float8 AS budget_tokens, r.budget_cost_usd, ${SPEND_SQL}
       FROM judge_runs r JOIN llm_endpoints e ON e.id = r.endpoint_id WHERE r.id = ${runId}`,
  );
}

const clientOf = (run: BatchRun) => judgeClient({ baseUrl: run.baseUrl, apiKeyEnv: run.apiKeyEnv });
const customId = (promptId: string, unit: number) => `${promptId}:${unit}`;

type LoadedUnit = NonNullable<Awaited<ReturnType<typeof loadJudgeUnit>>>;

/**
 * The request of a unit: fresh; after an invalid answer, that answer followed by a repair
 * message; after a line that failed on the provider's side (no answer at all), the same request
 * again — a failure that is not the judge's is not a conversation to repair.
 */
async function unitRequest(run: BatchRun, promptId: string, unit: number, loaded: LoadedUnit): Promise<JudgeAttempt["request"]> {
  const previous = await queryOne<{
    request: JudgeAttempt["request"];
    content: string | null;
    answered: boolean;
    error: string | null;
  }>(
    pool(),
    sql`SELECT request, response->'choices'->0->'message'->>'content' AS content, jsonb_typeof(response->'choices') = 'array' AS answered, error FROM judge_calls
      WHERE run_id = ${run.id} AND prompt_id = ${promptId} AND permutation_index = ${unit} AND status = ${CallStatus.FAILED}
      ORDER BY attempt DESC LIMIT 1`,
  );
  const n = loaded.order.length;
  if (previous && !previous.answered && Array.isArray(previous.request?.messages)) return previous.request;
  const messages: JudgeAttempt["request"]["messages"] = previous?.answered
    ? [
        ...previous.request.messages,
        { role: "assistant", content: previous.content ?? "" },
        { role: "user", content: repairMessage((previous.error ?? "").split("; "), n) },
      ]
    : [
        { role: "system", content: loaded.run.systemPrompt },
        { role: "user", content: loaded.userPrompt },
      ];
  return {
    model: run.model,
    temperature: loaded.run.temperature,
    messages,
    ...(run.supportsStructuredOutput ? { response_format: { type: "json_schema", json_schema: judgeAnswerJsonSchema(n) } } : {}),
  };
}

/** Submits one batch with the run's pending units (at most what the call budget still allows). */
export async function submitJudgeBatch(run: BatchRun): Promise<number> {
  const limit = run.budgetCalls === null ? 50_000 : Math.max(0, Math.min(50_000, run.budgetCalls - run.callsMade));
  const units = await queryRows<{ promptId: string; unitIndex: number }>(
    pool(),
    sql`SELECT prompt_id, unit_index FROM judge_units WHERE run_id = ${run.id} AND state = ${UnitState.PENDING} ORDER BY prompt_id, unit_index LIMIT ${limit}`,
  );
  if (units.length === 0) return 0;
  const lines: string[] = [];
  for (const u of units) {
    const loaded = await loadJudgeUnit({ runId: run.id, promptId: u.promptId, permutation: u.unitIndex });
    if (!loaded) continue;
    const body = await unitRequest(run, u.promptId, u.unitIndex, loaded);
    lines.push(JSON.stringify({ custom_id: customId(u.promptId, u.unitIndex), method: "POST", url: "/v1/chat/completions", body }));
  }
  const inserted = await queryOne<{ id: string }>(
    pool(),
    sql`INSERT INTO judge_batches (run_id, status, request_count) VALUES (${run.id}, 'submitting', ${lines.length}) RETURNING id`,
  );
  const local = inserted!.id;
  const client = clientOf(run);
  const file = await client.files.create({
    file: await toFile(Buffer.from(`${lines.join("\n")}\n`, "utf8"), `medpref-${local}.jsonl`),
    purpose: "batch",
  });
  await execute(pool(), sql`UPDATE judge_batches SET input_file_id = ${file.id} WHERE id = ${local}`);
  const batch = await client.batches.create({
    input_file_id: file.id,
    endpoint: "/v1/chat/completions",
    completion_window: "24h",
    metadata: { medpref_batch: local, medpref_run: run.id },
  });
  await execute(pool(), sql`UPDATE judge_batches SET remote_batch_id = ${batch.id}, status = ${batch.status} WHERE id = ${local}`);
  logger.info({ run: run.id, batch: batch.id, requests: lines.length }, "batch submitted");
  return lines.length;
}

/** A local batch whose remote id was never saved: the remote batch tagged with its id, if any. */
async function findRemoteBatch(client: OpenAI, localId: string): Promise<OpenAI.Batch | null> {
  for await (const b of client.batches.list({ limit: 100 })) if (b.metadata?.medpref_batch === localId) return b;
  return null;
}

async function ingestOutput(run: BatchRun, local: string, client: OpenAI, fileId: string, kind: "output" | "error"): Promise<Set<string>> {
  const seen = new Set<string>();
  const text = await (await client.files.content(fileId)).text();
  for (const line of text.split("\n")) {
    if (!line.trim()) continue;
    let record: {
      custom_id?: string;
      response?: { status_code?: number; body?: OpenAI.Chat.ChatCompletion } | null;
      error?: { message?: string } | null;
    };
    try {
      record = JSON.parse(line);
    } catch {
      logger.warn({ batch: local, line: line.slice(0, 200) }, "unreadable batch output line");
      continue;
    }
    const [promptId, unitText] = (record.custom_id ?? "").split(":");
    const unit = Number(unitText);
    if (!promptId || !Number.isInteger(unit)) continue;
    seen.add(record.custom_id!);
    const loaded = await loadJudgeUnit({ runId: run.id, promptId, permutation: unit });
    if (!loaded || loaded.run.unitState !== UnitState.PENDING) continue;
    const body = record.response?.body;
    const ok = kind === "output" && record.response?.status_code === 200 && body;
    const content = ok ? (body.choices?.[0]?.message?.content ?? null) : null;
    const parsed = content === null ? null : parseJudgeAnswer(content, loaded.order.length);
    const problems = !ok
      ? [
          `batch ${kind}: ${record.error?.message ?? (record.response?.body as { error?: { message?: string } } | undefined)?.error?.message ?? `HTTP ${record.response?.status_code ?? "?"}`}`,
        ]
      : parsed === null
        ? ["the answer is empty"]
        : parsed.ok
          ? []
          : parsed.problems;
    const attempt: JudgeAttempt = {
      request: await unitRequest(run, promptId, unit, loaded),
      response: body ?? record,
      content,
      problems,
      inputTokens: ok ? (body.usage?.prompt_tokens ?? 0) : 0,
      outputTokens: ok ? (body.usage?.completion_tokens ?? 0) : 0,
      latencyMs: 0,
    };
    const tries = await queryOne<{ n: number }>(
      pool(),
      sql`SELECT count(*)::int AS n FROM judge_calls
           WHERE run_id = ${run.id} AND prompt_id = ${promptId} AND permutation_index = ${unit} AND status = ${CallStatus.FAILED}`,
    );
    const valid = parsed?.ok === true;
    const outcome = valid ? "DONE" : tries!.n + 1 > run.maxRetries ? "FAILED" : "RETRY";
    await withTransaction((tx) =>
      recordUnitOutcome(
        tx,
        { runId: run.id, promptId, unitIndex: unit },
        {
          calls: [attemptRecord(attempt, loaded.order, valid, local)],
          prices: run.modelPrices,
          model: run.model,
          priceFactor: BATCH_PRICE_FACTOR,
          outcome,
          storeResult: parsed?.ok
            ? () => storeJudgeRanking(tx, { runId: run.id, promptId, permutation: unit }, loaded.order, parsed.answer, [])
            : undefined,
        },
      ),
    );
  }
  return seen;
}

/**
 * One poll of a batch run: follows its live batch (ingesting it once finished), then submits the
 * next batch while units are pending (repairs of invalid answers, units a failed batch left).
 * Returns "again" while there is something to wait for. Pollers of the same run take turns.
 */
export async function pollJudgeBatches(runId: string): Promise<"again" | "done"> {
  const lock = await pool().connect();
  try {
    const got = await queryOne<{ ok: boolean }>(
      lock,
      sql`SELECT pg_try_advisory_lock(hashtextextended(${`batch-poll:${runId}`}, 0)) AS ok`,
    );
    if (!got!.ok) return "again";
    try {
      return await pollOnce(runId);
    } finally {
      await execute(lock, sql`SELECT pg_advisory_unlock(hashtextextended(${`batch-poll:${runId}`}, 0))`);
    }
  } finally {
    lock.release();
  }
}

async function pollOnce(runId: string): Promise<"again" | "done"> {
  const run = await loadBatchRun(runId);
  if (!run || SETTLED_RUN_STATUSES.has(run.status)) return "done";
  const client = clientOf(run);
  const live = await queryRows<{ id: string; remoteBatchId: string | null }>(
    pool(),
    sql`SELECT id, remote_batch_id FROM judge_batches WHERE run_id = ${runId} AND status = ANY(${LIVE}) ORDER BY created_at`,
  );
  for (const b of live) {
    const remote = b.remoteBatchId ? await client.batches.retrieve(b.remoteBatchId) : await findRemoteBatch(client, b.id);
    if (!remote) {
      // Never created remotely (the worker stopped before): drop it, its units are still pending.
      await execute(pool(), sql`UPDATE judge_batches SET status = 'abandoned', finished_at = now() WHERE id = ${b.id}`);
      continue;
    }
    await execute(
      pool(),
      sql`UPDATE judge_batches SET remote_batch_id = ${remote.id}, status = ${remote.status}, output_file_id = ${remote.output_file_id ?? null},
             error_file_id = ${remote.error_file_id ?? null} WHERE id = ${b.id}`,
    );
    if (LIVE.includes(remote.status)) return "again";
    if (remote.output_file_id) await ingestOutput(run, b.id, client, remote.output_file_id, "output");
    if (remote.error_file_id) await ingestOutput(run, b.id, client, remote.error_file_id, "error");
    await execute(pool(), sql`UPDATE judge_batches SET finished_at = now() WHERE id = ${b.id}`);
    await completeRunIfDone(runId);
  }
  const fresh = await loadBatchRun(runId);
  if (!fresh || fresh.status !== RunStatus.RUNNING) return "done";
  const failedBatches = await queryOne<{ n: number }>(
    pool(),
    sql`SELECT count(*)::int AS n FROM judge_batches WHERE run_id = ${runId} AND status IN ('failed', 'expired')`,
  );
  if (failedBatches!.n >= 3) {
    await changeRunStatus(pool(), runId, { transition: "fail", reason: "Three batches failed or expired; see the batches below." });
    return "done";
  }
  const reason = spentBudget(fresh);
  if (reason) {
    await changeRunStatus(pool(), runId, { transition: "budgetPause", reason });
    return "done";
  }
  return (await submitJudgeBatch(fresh)) > 0 ? "again" : "done";
}

/** Cancels the run's live remote batches (results already in are kept). */
export async function cancelRemoteBatches(runId: string): Promise<void> {
  const run = await loadBatchRun(runId);
  if (!run) return;
  const rows = await queryRows<{ id: string; remoteBatchId: string }>(
    pool(),
    sql`SELECT id, remote_batch_id FROM judge_batches WHERE run_id = ${runId} AND remote_batch_id IS NOT NULL AND status = ANY(${LIVE})`,
  );
  for (const b of rows) {
    try {
      const remote = await clientOf(run).batches.cancel(b.remoteBatchId);
      await execute(pool(), sql`UPDATE judge_batches SET status = ${remote.status}, finished_at = now() WHERE id = ${b.id}`);
    } catch (e) {
      logger.warn({ err: e, batch: b.remoteBatchId }, "batch cancel failed");
    }
  }
}
