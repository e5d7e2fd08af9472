import "server-only";
import { toFile } from "openai";
import type OpenAI from "openai";
import { pool } from "@/lib/db/pool";
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
  status: string;
  model: string;
  max_retries: number;
  supports_structured_output: boolean;
  base_url: string;
  api_key_env: string;
  model_prices: unknown;
  budget_calls: number | null;
  budget_tokens: number | null;
  budget_cost_usd: number | null;
  calls_made: number;
  tokens_used: number;
  cost_usd: number;
}

async function loadBatchRun(runId: string): Promise<BatchRun | undefined> {
  const { rows } = await pool().query<BatchRun>(
    `SELECT r.id, r.status, r.model, r.max_retries, e.supports_structured_output, e.base_url, e.api_key_env, e.model_prices,
            r.budget_calls, r.budget_tokens::float8 AS budget_tokens, r.budget_cost_usd, ${SPEND_SQL}
       FROM judge_runs r JOIN llm_endpoints e ON e.id = r.endpoint_id WHERE r.id = $1`,
    [runId],
  );
  return rows[0];
}

const clientOf = (run: BatchRun) => judgeClient({ baseUrl: run.base_url, apiKeyEnv: run.api_key_env });
const customId = (promptId: string, unit: number) => `${promptId}:${unit}`;

type LoadedUnit = NonNullable<Awaited<ReturnType<typeof loadJudgeUnit>>>;

/**
 * The request of a unit: fresh; after an invalid answer, that answer followed by a repair
 * message; after a line that failed on the provider's side (no answer at all), the same request
 * again — a failure that is not the judge's is not a conversation to repair.
 */
async function unitRequest(run: BatchRun, promptId: string, unit: number, loaded: LoadedUnit): Promise<JudgeAttempt["request"]> {
  const { rows } = await pool().query<{
    request: JudgeAttempt["request"];
    content: string | null;
    answered: boolean;
    error: string | null;
  }>(
    `SELECT request, response->'choices'->0->'message'->>'content' AS content, jsonb_typeof(response->'choices') = 'array' AS answered, error FROM judge_calls
      WHERE run_id = $1 AND prompt_id = $2 AND permutation_index = $3 AND status = 'FAILED'
      ORDER BY attempt DESC LIMIT 1`,
    [run.id, promptId, unit],
  );
  const previous = rows[0];
  const n = loaded.order.length;
  if (previous && !previous.answered && Array.isArray(previous.request?.messages)) return previous.request;
  const messages: JudgeAttempt["request"]["messages"] = previous?.answered
    ? [
        ...previous.request.messages,
        { role: "assistant", content: previous.content ?? "" },
        { role: "user", content: repairMessage((previous.error ?? "").split("; "), n) },
      ]
    : [
        { role: "system", content: loaded.run.system_prompt },
        { role: "user", content: loaded.userPrompt },
      ];
  return {
    model: run.model,
    temperature: loaded.run.temperature,
    messages,
    ...(run.supports_structured_output ? { response_format: { type: "json_schema", json_schema: judgeAnswerJsonSchema(n) } } : {}),
  };
}

/** Submits one batch with the run's pending units (at most what the call budget still allows). */
export async function submitJudgeBatch(run: BatchRun): Promise<number> {
  const limit = run.budget_calls === null ? 50_000 : Math.max(0, Math.min(50_000, run.budget_calls - run.calls_made));
  const { rows: units } = await pool().query<{ prompt_id: string; unit_index: number }>(
    `SELECT prompt_id, unit_index FROM judge_units WHERE run_id = $1 AND state = 'PENDING' ORDER BY prompt_id, unit_index LIMIT $2`,
    [run.id, limit],
  );
  if (units.length === 0) return 0;
  const lines: string[] = [];
  for (const u of units) {
    const loaded = await loadJudgeUnit({ runId: run.id, promptId: u.prompt_id, permutation: u.unit_index });
    if (!loaded) continue;
    const body = await unitRequest(run, u.prompt_id, u.unit_index, loaded);
    lines.push(JSON.stringify({ custom_id: customId(u.prompt_id, u.unit_index), method: "POST", url: "/v1/chat/completions", body }));
  }
  const { rows } = await pool().query<{ id: string }>(
    `INSERT INTO judge_batches (run_id, status, request_count) VALUES ($1, 'submitting', $2) RETURNING id`,
    [run.id, lines.length],
  );
  const local = rows[0]!.id;
  const client = clientOf(run);
  const file = await client.files.create({
    file: await toFile(Buffer.from(`${lines.join("\n")}\n`, "utf8"), `medpref-${local}.jsonl`),
    purpose: "batch",
  });
  await pool().query(`UPDATE judge_batches SET input_file_id = $2 WHERE id = $1`, [local, file.id]);
  const batch = await client.batches.create({
    input_file_id: file.id,
    endpoint: "/v1/chat/completions",
    completion_window: "24h",
    metadata: { medpref_batch: local, medpref_run: run.id },
  });
  await pool().query(`UPDATE judge_batches SET remote_batch_id = $2, status = $3 WHERE id = $1`, [local, batch.id, batch.status]);
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
    if (!loaded || loaded.run.unit_state !== "PENDING") continue;
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
    const { rows: tries } = await pool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM judge_calls WHERE run_id = $1 AND prompt_id = $2 AND permutation_index = $3 AND status = 'FAILED'`,
      [run.id, promptId, unit],
    );
    const valid = parsed?.ok === true;
    const outcome = valid ? "DONE" : tries[0]!.n + 1 > run.max_retries ? "FAILED" : "RETRY";
    await withTransaction((tx) =>
      recordUnitOutcome(
        tx,
        { runId: run.id, promptId, unitIndex: unit },
        {
          calls: [attemptRecord(attempt, loaded.order, valid, local)],
          prices: run.model_prices,
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
    const { rows: got } = await lock.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok`, [
      `batch-poll:${runId}`,
    ]);
    if (!got[0]!.ok) return "again";
    try {
      return await pollOnce(runId);
    } finally {
      await lock.query(`SELECT pg_advisory_unlock(hashtextextended($1, 0))`, [`batch-poll:${runId}`]);
    }
  } finally {
    lock.release();
  }
}

async function pollOnce(runId: string): Promise<"again" | "done"> {
  const run = await loadBatchRun(runId);
  if (!run || SETTLED_RUN_STATUSES.has(run.status)) return "done";
  const client = clientOf(run);
  const { rows: live } = await pool().query<{ id: string; remote_batch_id: string | null }>(
    `SELECT id, remote_batch_id FROM judge_batches WHERE run_id = $1 AND status = ANY($2) ORDER BY created_at`,
    [runId, LIVE],
  );
  for (const b of live) {
    const remote = b.remote_batch_id ? await client.batches.retrieve(b.remote_batch_id) : await findRemoteBatch(client, b.id);
    if (!remote) {
      // Never created remotely (the worker stopped before): drop it, its units are still pending.
      await pool().query(`UPDATE judge_batches SET status = 'abandoned', finished_at = now() WHERE id = $1`, [b.id]);
      continue;
    }
    await pool().query(
      `UPDATE judge_batches SET remote_batch_id = $2, status = $3, output_file_id = $4, error_file_id = $5 WHERE id = $1`,
      [b.id, remote.id, remote.status, remote.output_file_id ?? null, remote.error_file_id ?? null],
    );
    if (LIVE.includes(remote.status)) return "again";
    if (remote.output_file_id) await ingestOutput(run, b.id, client, remote.output_file_id, "output");
    if (remote.error_file_id) await ingestOutput(run, b.id, client, remote.error_file_id, "error");
    await pool().query(`UPDATE judge_batches SET finished_at = now() WHERE id = $1`, [b.id]);
    await completeRunIfDone(runId);
  }
  const fresh = await loadBatchRun(runId);
  if (!fresh || fresh.status !== "RUNNING") return "done";
  const { rows: failedBatches } = await pool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM judge_batches WHERE run_id = $1 AND status IN ('failed', 'expired')`,
    [runId],
  );
  if (failedBatches[0]!.n >= 3) {
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
  const { rows } = await pool().query<{ id: string; remote_batch_id: string }>(
    `SELECT id, remote_batch_id FROM judge_batches WHERE run_id = $1 AND remote_batch_id IS NOT NULL AND status = ANY($2)`,
    [runId, LIVE],
  );
  for (const b of rows) {
    try {
      const remote = await clientOf(run).batches.cancel(b.remote_batch_id);
      await pool().query(`UPDATE judge_batches SET status = $2, finished_at = now() WHERE id = $1`, [b.id, remote.status]);
    } catch (e) {
      logger.warn({ err: e, batch: b.remote_batch_id }, "batch cancel failed");
    }
  }
}
