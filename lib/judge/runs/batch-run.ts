import "server-only";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { once } from "node:events";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { toFile } from "openai";
import type OpenAI from "openai";
import { CallStatus, RunStatus, UnitState } from "@/generated/prisma/enums";
import type { Message } from "@/lib/core/messages";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql, type Sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { BatchFilePacker, lineBytes, OPENAI_BATCH_FILE_LIMITS, type BatchFileLimits } from "@/lib/judge/batch-files";
import { judgeClient, type JudgeAttempt } from "@/lib/judge/call-judge";
import { judgeAnswerJsonSchema, parseJudgeAnswer, repairMessage } from "@/lib/judge/judge-answer";
import { attemptRecord, judgeRankingOf, shownUnit } from "@/lib/judge/runs/run-judge-call";
import { SETTLED_RUN_STATUSES } from "@/lib/judge/runs/run-state";
import { changeRunStatus } from "@/lib/judge/runs/run-status";
import { completeRunIfDone, recordUnitOutcomes, SPEND_SQL, spentBudget, type UnitOutcome } from "@/lib/judge/runs/unit-outcome";
import { logger } from "@/lib/logger";

/**
 * OpenAI Batch mode (half price, answers within 24 h): the pending units of a run go into JSONL
 * input files (as many as the provider's per-file limits need: several batches in flight), each
 * uploaded and submitted as a batch; a poll job follows them and streams each output and error
 * file into the same validation and storage as real-time calls, a page of lines per transaction.
 * Local batch rows are written before the remote batch is created and carry its id once known,
 * so a restart picks up where it stopped; the remote batch is tagged with the local id, so a
 * crash between creating it and saving its id finds it again instead of paying twice. A line
 * whose unit already has a call from this batch is skipped, so an ingestion resumed after a crash
 * stores nothing twice.
 */
/** Batch calls cost half the real-time price. */
const BATCH_PRICE_FACTOR = 0.5;
const LIVE = ["submitting", "validating", "in_progress", "finalizing", "cancelling"];
/** Units read, and output lines stored, per statement. */
const PAGE = 1000;

/** The provider's per-file limits and the lines stored per transaction; tests set smaller ones. */
let fileLimits: BatchFileLimits = OPENAI_BATCH_FILE_LIMITS;
let pageLines = PAGE;
export function setBatchLimits(limits: { files: BatchFileLimits; pageLines: number } | null): void {
  fileLimits = limits?.files ?? OPENAI_BATCH_FILE_LIMITS;
  pageLines = limits?.pageLines ?? PAGE;
}

interface BatchRun {
  id: string;
  status: RunStatus;
  model: string;
  temperature: number;
  permutations: number;
  seed: number;
  maxRetries: number;
  supportsStructuredOutput: boolean;
  baseUrl: string;
  apiKeyEnv: string;
  modelPrices: unknown;
  systemPrompt: string;
  userTemplate: string;
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
    sql`SELECT r.id, r.status, r.model, r.temperature, r.permutations, r.seed, r.max_retries, e.supports_structured_output, e.base_url,
            e.api_key_env, e.model_prices, t.system_prompt, t.user_template,
            r.budget_calls, r.budget_tokens::float8 AS budget_tokens, r.budget_cost_usd, ${SPEND_SQL}
       FROM judge_runs r JOIN llm_endpoints e ON e.id = r.endpoint_id JOIN judge_templates t ON t.id = r.template_id WHERE r.id = ${runId}`,
  );
}

const clientOf = (run: BatchRun) => judgeClient({ baseUrl: run.baseUrl, apiKeyEnv: run.apiKeyEnv });
const customId = (promptId: string, unit: number) => `${promptId}:${unit}`;

/** A unit of a batch run as read for a request line or an output line: its prompt and its last failed call. */
interface BatchUnitRow {
  promptId: string;
  unitIndex: number;
  state: UnitState;
  messages: Message[];
  referenceAnswer: string | null;
  completions: { id: string; text: string }[];
  previousRequest: JudgeAttempt["request"] | null;
  previousContent: string | null;
  previousAnswered: boolean | null;
  previousError: string | null;
  failedTries: number;
  /** This batch already has a call of the unit stored (an ingestion resumed after a crash). */
  ingested: boolean;
}

/**
 * Units of the run chosen by `where` (on judge_units u), each with its prompt, candidates and
 * last failed call from an earlier batch, in one statement. `batchId`: the batch being ingested,
 * whose own calls are not "earlier".
 */
function batchUnits(run: BatchRun, where: Sql, batchId: string | null, tail: Sql = sql.empty): Promise<BatchUnitRow[]> {
  return queryRows<BatchUnitRow>(
    pool(),
    sql`SELECT u.prompt_id, u.unit_index, u.state, p.messages, p.reference_answer,
            (SELECT json_agg(json_build_object('id', c.id, 'text', c.text) ORDER BY c.position) FROM completions c WHERE c.prompt_id = u.prompt_id) AS completions,
            prev.request AS previous_request, prev.content AS previous_content, prev.answered AS previous_answered, prev.error AS previous_error,
            (SELECT count(*)::int FROM judge_calls f WHERE f.run_id = u.run_id AND f.prompt_id = u.prompt_id AND f.permutation_index = u.unit_index
                AND f.status = ${CallStatus.FAILED} AND f.batch_id IS DISTINCT FROM ${batchId}::uuid) AS failed_tries,
            EXISTS (SELECT 1 FROM judge_calls d WHERE d.run_id = u.run_id AND d.prompt_id = u.prompt_id AND d.permutation_index = u.unit_index
                AND d.batch_id = ${batchId}::uuid) AS ingested
       FROM judge_units u JOIN prompts p ON p.id = u.prompt_id
       LEFT JOIN LATERAL (
         SELECT j.request, j.response->'choices'->0->'message'->>'content' AS content, jsonb_typeof(j.response->'choices') = 'array' AS answered, j.error
           FROM judge_calls j WHERE j.run_id = u.run_id AND j.prompt_id = u.prompt_id AND j.permutation_index = u.unit_index
            AND j.status = ${CallStatus.FAILED} AND j.batch_id IS DISTINCT FROM ${batchId}::uuid
          ORDER BY j.attempt DESC LIMIT 1) prev ON true
      WHERE u.run_id = ${run.id} AND ${where} ${tail}`,
  );
}

/**
 * The request of a unit: fresh; after an invalid answer, that answer followed by a repair
 * message; after a line that failed on the provider's side (no answer at all), the same request
 * again — a failure that is not the judge's is not a conversation to repair.
 */
function unitRequest(run: BatchRun, u: BatchUnitRow): { order: string[]; request: JudgeAttempt["request"] } {
  const { order, userPrompt } = shownUnit(run, u, u.unitIndex);
  const n = order.length;
  const previous = u.previousRequest;
  if (previous && !u.previousAnswered && Array.isArray(previous.messages)) return { order, request: previous };
  const messages: JudgeAttempt["request"]["messages"] =
    previous && u.previousAnswered
      ? [
          ...previous.messages,
          { role: "assistant", content: u.previousContent ?? "" },
          { role: "user", content: repairMessage((u.previousError ?? "").split("; "), n) },
        ]
      : [
          { role: "system", content: run.systemPrompt },
          { role: "user", content: userPrompt },
        ];
  return {
    order,
    request: {
      model: run.model,
      temperature: run.temperature,
      messages,
      ...(run.supportsStructuredOutput ? { response_format: { type: "json_schema", json_schema: judgeAnswerJsonSchema(n) } } : {}),
    },
  };
}

/** An input file being written to disk (a file of 200 MB is never held in memory). */
interface InputFile {
  path: string;
  out: fs.WriteStream;
  requests: number;
}

async function openInputFile(dir: string, n: number): Promise<InputFile> {
  const file = path.join(dir, `input-${n}.jsonl`);
  const out = fs.createWriteStream(file);
  await once(out, "open");
  return { path: file, out, requests: 0 };
}

async function writeLine(file: InputFile, line: string): Promise<void> {
  file.requests++;
  if (!file.out.write(`${line}\n`)) await once(file.out, "drain");
}

/** Uploads one input file and creates its batch (the local row first, so a crash in between is found again). */
async function submitInputFile(run: BatchRun, client: OpenAI, file: InputFile): Promise<void> {
  file.out.end();
  await once(file.out, "finish");
  const inserted = await queryOne<{ id: string }>(
    pool(),
    sql`INSERT INTO judge_batches (run_id, status, request_count) VALUES (${run.id}, 'submitting', ${file.requests}) RETURNING id`,
  );
  const local = inserted!.id;
  const uploaded = await client.files.create({
    file: await toFile(fs.createReadStream(file.path), `medpref-${local}.jsonl`),
    purpose: "batch",
  });
  await fs.promises.rm(file.path, { force: true });
  await execute(pool(), sql`UPDATE judge_batches SET input_file_id = ${uploaded.id} WHERE id = ${local}`);
  const batch = await client.batches.create({
    input_file_id: uploaded.id,
    endpoint: "/v1/chat/completions",
    completion_window: "24h",
    metadata: { medpref_batch: local, medpref_run: run.id },
  });
  await execute(pool(), sql`UPDATE judge_batches SET remote_batch_id = ${batch.id}, status = ${batch.status} WHERE id = ${local}`);
  logger.info({ run: run.id, batch: batch.id, requests: file.requests }, "batch submitted");
}

/**
 * Submits the run's pending units (at most what the call budget still allows) as batches: the
 * lines are packed into input files by the provider's limits (requests and exact bytes per file),
 * and each full file is uploaded and submitted while the next one is written.
 */
export async function submitJudgeBatches(run: BatchRun): Promise<number> {
  const limit = run.budgetCalls === null ? Number.MAX_SAFE_INTEGER : Math.max(0, run.budgetCalls - run.callsMade);
  const client = clientOf(run);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "medpref-batch-"));
  const packer = new BatchFilePacker(fileLimits);
  let file: InputFile | null = null;
  let files = 0;
  let total = 0;
  try {
    for (let after = { p: "00000000-0000-0000-0000-000000000000", u: -1 }; total < limit;) {
      const units = await batchUnits(
        run,
        sql`u.state = ${UnitState.PENDING} AND (u.prompt_id, u.unit_index) > (${after.p}::uuid, ${after.u}::int)`,
        null,
        sql`ORDER BY u.prompt_id, u.unit_index LIMIT ${Math.min(PAGE, limit - total)}`,
      );
      if (units.length === 0) break;
      for (const u of units) {
        const id = customId(u.promptId, u.unitIndex);
        const line = JSON.stringify({ custom_id: id, method: "POST", url: "/v1/chat/completions", body: unitRequest(run, u).request });
        if (packer.add(id, lineBytes(line)) && file) {
          await submitInputFile(run, client, file);
          file = null;
        }
        file ??= await openInputFile(dir, ++files);
        await writeLine(file, line);
        total++;
      }
      const last = units.at(-1)!;
      after = { p: last.promptId, u: last.unitIndex };
    }
    if (file) await submitInputFile(run, client, file);
    file = null;
  } finally {
    file?.out.destroy();
    await fs.promises.rm(dir, { recursive: true, force: true });
  }
  return total;
}

/** A local batch whose remote id was never saved: the remote batch tagged with its id, if any. */
async function findRemoteBatch(client: OpenAI, localId: string): Promise<OpenAI.Batch | null> {
  for await (const b of client.batches.list({ limit: 100 })) if (b.metadata?.medpref_batch === localId) return b;
  return null;
}

/**
 * The lines of a file. It is first downloaded to a temporary file as fast as it arrives, then read
 * line by line (an output file of 200 MB is never held in memory): reading the response directly
 * at the pace pages are stored made fetch's parser pause, and every pause put the unread bytes back
 * at the front of the socket's buffer, which cost as much as the rest of the ingestion together.
 */
async function* fileLines(client: OpenAI, fileId: string): AsyncGenerator<string> {
  const response = await client.files.content(fileId);
  const directory = await fs.promises.mkdtemp(path.join(os.tmpdir(), "medpref-batch-output-"));
  try {
    const file = path.join(directory, "output.jsonl");
    await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), fs.createWriteStream(file));
    const decoder = new TextDecoder();
    let rest = "";
    for await (const chunk of fs.createReadStream(file, { highWaterMark: 1 << 20 })) {
      rest += decoder.decode(chunk as Buffer, { stream: true });
      const lines = rest.split("\n");
      rest = lines.pop()!;
      yield* lines;
    }
    rest += decoder.decode();
    if (rest) yield rest;
  } finally {
    await fs.promises.rm(directory, { recursive: true, force: true });
  }
}

interface OutputRecord {
  custom_id?: string;
  response?: { status_code?: number; body?: OpenAI.Chat.ChatCompletion } | null;
  error?: { message?: string } | null;
}

/** Streams an output or error file into the run's calls and rankings, a page of lines per transaction. */
async function ingestOutput(run: BatchRun, local: string, client: OpenAI, fileId: string, kind: "output" | "error"): Promise<number> {
  let page: { promptId: string; unit: number; record: OutputRecord }[] = [];
  let lines = 0;
  // Two pages are stored at once (the next one is read and stored while the database writes the
  // last one); a file lists each unit once, so they never touch the same unit.
  const writing = new Set<Promise<void>>();
  const store = async (lines: typeof page) => {
    const p = ingestPage(run, local, kind, lines).finally(() => writing.delete(p));
    writing.add(p);
    if (writing.size >= 2) await Promise.race(writing);
  };
  try {
    for await (const line of fileLines(client, fileId)) {
      if (!line.trim()) continue;
      let record: OutputRecord;
      try {
        record = JSON.parse(line) as OutputRecord;
      } catch {
        logger.warn({ batch: local, line: line.slice(0, 200) }, "unreadable batch output line");
        continue;
      }
      const [promptId, unitText] = (record.custom_id ?? "").split(":");
      const unit = Number(unitText);
      if (!promptId || !/^[0-9a-f-]{36}$/i.test(promptId) || !Number.isInteger(unit)) continue;
      page.push({ promptId, unit, record });
      lines++;
      if (page.length >= pageLines) {
        await store(page);
        page = [];
      }
    }
    if (page.length > 0) await store(page);
  } finally {
    // Every page started is written (or failed) before the file counts as read, or the error is raised.
    const settled = await Promise.allSettled([...writing]);
    const failed = settled.find((r) => r.status === "rejected");
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
  return lines;
}

async function ingestPage(
  run: BatchRun,
  local: string,
  kind: "output" | "error",
  page: { promptId: string; unit: number; record: OutputRecord }[],
): Promise<void> {
  const rows = await batchUnits(
    run,
    sql`(u.prompt_id, u.unit_index) IN (SELECT * FROM unnest(${page.map((l) => l.promptId)}::uuid[], ${page.map((l) => l.unit)}::int[]))`,
    local,
  );
  const byKey = new Map(rows.map((r) => [customId(r.promptId, r.unitIndex), r]));
  const items: { unit: { runId: string; promptId: string; unitIndex: number }; outcome: UnitOutcome }[] = [];
  // One spend row per page (a row per line would spread the run's spend over many rows).
  const shard = Math.floor(Math.random() * 1024);
  for (const { promptId, unit, record } of page) {
    const row = byKey.get(customId(promptId, unit));
    // Done already, or stored by an earlier pass over this file: nothing to add.
    if (!row || row.state !== UnitState.PENDING || row.ingested) continue;
    row.ingested = true;
    const { order, request } = unitRequest(run, row);
    const body = record.response?.body;
    const ok = kind === "output" && record.response?.status_code === 200 && body;
    const content = ok ? (body.choices?.[0]?.message?.content ?? null) : null;
    const parsed = content === null ? null : parseJudgeAnswer(content, order.length);
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
      request,
      response: body ?? record,
      content,
      problems,
      inputTokens: ok ? (body.usage?.prompt_tokens ?? 0) : 0,
      outputTokens: ok ? (body.usage?.completion_tokens ?? 0) : 0,
      latencyMs: 0,
    };
    const valid = parsed?.ok === true;
    items.push({
      unit: { runId: run.id, promptId, unitIndex: unit },
      outcome: {
        calls: [attemptRecord(attempt, order, valid, local)],
        prices: run.modelPrices,
        model: run.model,
        priceFactor: BATCH_PRICE_FACTOR,
        shard,
        outcome: valid ? "DONE" : row.failedTries + 1 > run.maxRetries ? "FAILED" : "RETRY",
        judgeRanking: parsed?.ok ? judgeRankingOf({ runId: run.id, promptId, permutation: unit }, order, parsed.answer, []) : undefined,
      },
    });
  }
  if (items.length > 0) await withTransaction((tx) => recordUnitOutcomes(tx, items));
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
    sql`SELECT id, remote_batch_id FROM judge_batches WHERE run_id = ${runId} AND finished_at IS NULL ORDER BY created_at`,
  );
  // Every batch not yet ingested is followed (one whose ingestion a crash cut short, too); finished
  // ones are ingested while the others still run.
  let running = 0;
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
    if (LIVE.includes(remote.status)) {
      running++;
      continue;
    }
    const started = performance.now();
    let lines = 0;
    if (remote.output_file_id) lines += await ingestOutput(run, b.id, client, remote.output_file_id, "output");
    if (remote.error_file_id) lines += await ingestOutput(run, b.id, client, remote.error_file_id, "error");
    await execute(pool(), sql`UPDATE judge_batches SET finished_at = now() WHERE id = ${b.id}`);
    logger.info({ run: runId, batch: remote.id, lines, ms: Math.round(performance.now() - started) }, "batch ingested");
  }
  await completeRunIfDone(runId);
  // The next batches (repairs, units a failed batch left) go out once every batch in flight is in.
  if (running > 0) return "again";
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
  return (await submitJudgeBatches(fresh)) > 0 ? "again" : "done";
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
