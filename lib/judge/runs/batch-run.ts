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
import { copyRowsInto } from "@/lib/db/copy-from";
import { copyTextRow } from "@/lib/db/copy-text";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql, type Sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { BatchFilePacker, OPENAI_BATCH_FILE_LIMITS, type BatchFileLimits } from "@/lib/judge/batch-files";
import { judgeClient } from "@/lib/judge/call-judge";
import { parseJudgeAnswer, type JudgeAnswer } from "@/lib/judge/judge-answer";
import {
  batchCustomId,
  batchLine,
  batchRequest,
  EARLIER_CALL_JSON,
  lineSha256,
  type BatchRequestPrompt,
  type EarlierCall,
} from "@/lib/judge/runs/batch-request";
import { judgeUnitResult } from "@/lib/judge/runs/run-judge-call";
import { completionTexts, RUN_CRITIQUE_TAXONOMY_SQL } from "@/lib/judge/runs/run-critiques";
import { runCritiqueTaxonomy } from "@/lib/judge/judge-critiques";
import type { CritiqueTag } from "@/lib/critiques/taxonomy";
import { SETTLED_RUN_STATUSES } from "@/lib/judge/runs/run-state";
import { changeRunStatus } from "@/lib/judge/runs/run-status";
import {
  completeRunIfDone,
  recordUnitOutcomes,
  SPEND_SQL,
  spentBudget,
  type CallRecord,
  type UnitOutcome,
} from "@/lib/judge/runs/unit-outcome";
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
/** Units read per statement while writing input files (a page of ~6 MB of candidate text). */
const PAGE = 1000;
/**
 * Output lines stored per transaction. Larger than a read page: every page runs the same dozen
 * statements and statement triggers, and a prompt's P units in one page update its counts once
 * (at 20,000 units, 4,000 lines a page cut PostgreSQL's CPU for the ingestion by about a third).
 */
const INGEST_PAGE = 4000;

/** The provider's per-file limits and the units read per statement and lines stored per transaction; tests set smaller ones. */
let fileLimits: BatchFileLimits = OPENAI_BATCH_FILE_LIMITS;
let pageLines = PAGE;
let ingestLines = INGEST_PAGE;
export function setBatchLimits(limits: { files: BatchFileLimits; pageLines: number } | null): void {
  fileLimits = limits?.files ?? OPENAI_BATCH_FILE_LIMITS;
  pageLines = limits?.pageLines ?? PAGE;
  ingestLines = limits?.pageLines ?? INGEST_PAGE;
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
  critiqueTaxonomyVersion: number | null;
  critiqueTags: CritiqueTag[] | null;
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
            e.api_key_env, e.model_prices, t.system_prompt, t.user_template, ${RUN_CRITIQUE_TAXONOMY_SQL},
            r.budget_calls, r.budget_tokens::float8 AS budget_tokens, r.budget_cost_usd, ${SPEND_SQL}
       FROM judge_runs r JOIN llm_endpoints e ON e.id = r.endpoint_id JOIN judge_templates t ON t.id = r.template_id WHERE r.id = ${runId}`,
  );
}

const clientOf = (run: BatchRun) => judgeClient({ baseUrl: run.baseUrl, apiKeyEnv: run.apiKeyEnv });

/** A prompt with pending units of a batch run, as read to write their request lines. */
interface PendingPrompt extends BatchRequestPrompt {
  units: number[];
  /** The earlier (failed) calls of the prompt's units in this run, in attempt order. */
  earlier: (EarlierCall & { unit: number })[] | null;
}

/**
 * Pending units of the run from those chosen by `where` (on judge_units u), at most `limit` in
 * (prompt, unit) order, grouped by prompt: each prompt and its candidates are read once for all
 * its units, with the units' earlier calls (the requests they build on). The candidates' texts
 * come as plain rows (no JSON to escape and parse again: they are most of the bytes).
 */
async function pendingPrompts(run: BatchRun, where: Sql, limit: number): Promise<PendingPrompt[]> {
  const prompts = await queryRows<Omit<PendingPrompt, "completions">>(
    pool(),
    sql`WITH page AS (
          SELECT u.prompt_id, u.unit_index FROM judge_units u
           WHERE u.run_id = ${run.id} AND u.state = ${UnitState.PENDING} AND ${where} ORDER BY u.prompt_id, u.unit_index LIMIT ${limit})
        SELECT p.id AS prompt_id, array_agg(page.unit_index ORDER BY page.unit_index) AS units, p.messages, p.reference_answer,
               (SELECT json_agg(${EARLIER_CALL_JSON}::jsonb || jsonb_build_object('unit', j.permutation_index) ORDER BY j.permutation_index, j.attempt)
                  FROM judge_calls j WHERE j.run_id = ${run.id} AND j.prompt_id = p.id AND j.status = ${CallStatus.FAILED}) AS earlier
          FROM page JOIN prompts p ON p.id = page.prompt_id GROUP BY p.id ORDER BY p.id`,
  );
  if (prompts.length === 0) return [];
  // Unsorted (the sort of 6 MB of text spilled to disk): put in position order here.
  const completions = await queryRows<{ promptId: string; id: string; text: string; position: number }>(
    pool(),
    sql`SELECT prompt_id, id, text, position FROM completions WHERE prompt_id = ANY(${prompts.map((p) => p.promptId)}::uuid[])`,
    { name: "batch-pending-completions" },
  );
  const byPrompt = new Map<string, { id: string; text: string; position: number }[]>();
  for (const c of completions) {
    let list = byPrompt.get(c.promptId);
    if (!list) byPrompt.set(c.promptId, (list = []));
    list.push(c);
  }
  return prompts.map((p) => ({
    ...p,
    completions: (byPrompt.get(p.promptId) ?? []).sort((a, b) => a.position - b.position).map(({ id, text }) => ({ id, text })),
  }));
}

/**
 * The requests of a prompt's pending units: each unit's shown order and its line as the file's
 * bytes (UTF-8, newline included). A line of ~12 KB is encoded once: its hash, its size and the
 * file's write all use these bytes.
 */
function* requestLines(run: BatchRun, prompt: PendingPrompt): Generator<{ unit: number; order: string[]; bytes: Buffer }> {
  for (const unit of prompt.units) {
    const earlier = prompt.earlier?.filter((c) => c.unit === unit) ?? [];
    const { order, request } = batchRequest(run, prompt, unit, earlier);
    yield { unit, order, bytes: Buffer.from(`${batchLine(prompt.promptId, unit, request)}\n`, "utf8") };
  }
}

/** An input file being written to disk (a file of 200 MB is never held in memory), and its local batch row. */
interface InputFile {
  path: string;
  out: fs.WriteStream;
  batchId: string;
  requests: number;
}

/**
 * Opens the next input file and writes its local batch row (status "submitting", no remote id:
 * if the worker stops before the batch is created, the next poll finds no remote batch tagged
 * with it and drops it, its units still pending).
 */
async function openInputFile(run: BatchRun, dir: string, n: number): Promise<InputFile> {
  const file = path.join(dir, `input-${n}.jsonl`);
  const out = fs.createWriteStream(file, { highWaterMark: 1 << 20 });
  await once(out, "open");
  const inserted = await queryOne<{ id: string }>(
    pool(),
    sql`INSERT INTO judge_batches (run_id, status, request_count) VALUES (${run.id}, 'submitting', 0) RETURNING id`,
  );
  return { path: file, out, batchId: inserted!.id, requests: 0 };
}

/** What each line written so far says (its unit, number and hash), stored before its file is uploaded. */
class LineLog {
  private rows: string[] = [];
  /** `bytes`: the line as written, its newline included (not hashed). */
  add(file: InputFile, promptId: string, unit: number, bytes: Buffer, order: string[]) {
    const sha256 = lineSha256(bytes.subarray(0, bytes.length - 1));
    // COPY's text for bytea: \x and the hex digits (copyTextRow escapes the backslash).
    this.rows.push(copyTextRow([file.batchId, promptId, unit, file.requests, `\\x${sha256.toString("hex")}`, order]));
  }
  async flush(): Promise<void> {
    if (this.rows.length === 0) return;
    const rows = this.rows;
    this.rows = [];
    const client = await pool().connect();
    let failed: Error | undefined;
    try {
      await copyRowsInto(client, "judge_batch_lines", BATCH_LINE_COLUMNS, rows);
    } catch (e) {
      failed = e as Error;
      throw e;
    } finally {
      // A connection whose COPY failed is not handed out again.
      client.release(failed);
    }
  }
}
const BATCH_LINE_COLUMNS = ["batch_id", "prompt_id", "unit_index", "line", "request_sha256", "shown_order"] as const;

/** Uploads one input file (streamed from disk) and creates its batch, tagged with the local id so a crash in between finds it again. */
async function submitInputFile(run: BatchRun, client: OpenAI, file: InputFile): Promise<void> {
  await execute(pool(), sql`UPDATE judge_batches SET request_count = ${file.requests} WHERE id = ${file.batchId}`);
  const uploaded = await client.files.create({
    file: await toFile(await fs.openAsBlob(file.path), `medpref-${file.batchId}.jsonl`),
    purpose: "batch",
  });
  await fs.promises.rm(file.path, { force: true });
  await execute(pool(), sql`UPDATE judge_batches SET input_file_id = ${uploaded.id} WHERE id = ${file.batchId}`);
  const batch = await client.batches.create({
    input_file_id: uploaded.id,
    endpoint: "/v1/chat/completions",
    completion_window: "24h",
    metadata: { medpref_batch: file.batchId, medpref_run: run.id },
  });
  await execute(pool(), sql`UPDATE judge_batches SET remote_batch_id = ${batch.id}, status = ${batch.status} WHERE id = ${file.batchId}`);
  logger.info({ run: run.id, batch: batch.id, requests: file.requests }, "batch submitted");
}

/**
 * Submits the run's pending units (at most what the call budget still allows) as batches: the
 * lines are packed into input files by the provider's limits (requests and exact bytes per file);
 * each full file is uploaded and submitted while the next one is written. Each line's unit,
 * number and hash are stored before its file leaves (the call will refer to them); the request
 * itself is not stored.
 */
export async function submitJudgeBatches(run: BatchRun, whileSubmitting?: () => Promise<unknown>): Promise<number> {
  const limit = run.budgetCalls === null ? Number.MAX_SAFE_INTEGER : Math.max(0, run.budgetCalls - run.callsMade);
  const client = clientOf(run);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), "medpref-batch-"));
  const packer = new BatchFilePacker(fileLimits);
  const lines = new LineLog();
  let file: InputFile | null = null;
  let files = 0;
  let total = 0;
  // The previous file's upload and batch creation, running while the next file is written.
  let submitting: Promise<void> | null = null;
  // `whileSubmitting` once a file's batch is created (one at a time: a call asked for meanwhile runs
  // once the current one ends), running while the next file is written.
  const hook = whileSubmitting ? serialized(whileSubmitting) : null;
  const submit = async (full: InputFile) => {
    await lines.flush();
    full.out.end();
    await once(full.out, "finish");
    await submitting;
    submitting = submitInputFile(run, client, full).then(() => hook?.start());
    // Awaited before the next one or at the end; a failure meanwhile must not go unhandled.
    submitting.catch(() => undefined);
  };
  // The next page is read while this one's lines are built and written.
  const pageAfter = (after: { p: string; u: number }, read: number) =>
    pendingPrompts(run, sql`(u.prompt_id, u.unit_index) > (${after.p}::uuid, ${after.u}::int)`, Math.min(pageLines, limit - read));
  let next: Promise<PendingPrompt[]> | null = limit > 0 ? pageAfter({ p: "00000000-0000-0000-0000-000000000000", u: -1 }, 0) : null;
  try {
    while (next) {
      const prompts = await next;
      next = null;
      if (prompts.length === 0) break;
      const read = total + prompts.reduce((n, p) => n + p.units.length, 0);
      const last = prompts.at(-1)!;
      if (read < limit) {
        next = pageAfter({ p: last.promptId, u: last.units.at(-1)! }, read);
        // Awaited at the top of the loop; a failure meanwhile must not go unhandled.
        next.catch(() => undefined);
      }
      for (const prompt of prompts)
        for (const { unit, order, bytes } of requestLines(run, prompt)) {
          if (packer.add(batchCustomId(prompt.promptId, unit), bytes.length) && file) {
            await submit(file);
            file = null;
          }
          file ??= await openInputFile(run, dir, ++files);
          lines.add(file, prompt.promptId, unit, bytes, order);
          file.requests++;
          if (!file.out.write(bytes)) await once(file.out, "drain");
          total++;
        }
      await lines.flush();
    }
    if (file) await submit(file);
    file = null;
    await submitting;
  } finally {
    file?.out.destroy();
    await fs.promises.rm(dir, { recursive: true, force: true });
    // Its failure is raised here (after the submission's own, if any).
    await hook?.settled();
  }
  return total;
}

/**
 * `task` run one at a time: `start` runs it now if it is idle, or once more after the current run
 * if not (calls meanwhile fold into that one); `settled` waits for the last run and raises the
 * first failure.
 */
function serialized(task: () => Promise<unknown>): { start: () => void; settled: () => Promise<void> } {
  let running: Promise<void> | null = null;
  let again = false;
  let failure: { error: unknown } | null = null;
  const loop = async () => {
    do {
      again = false;
      try {
        await task();
      } catch (error) {
        failure ??= { error };
        return;
      }
    } while (again);
  };
  return {
    start() {
      if (failure) return;
      if (running) {
        again = true;
        return;
      }
      running = loop().finally(() => (running = null));
    },
    async settled() {
      while (running) await running;
      if (failure) throw failure.error;
    },
  };
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
      // A full page ends where a prompt's lines end (input files list a prompt's units together, and
      // output files usually keep that order): two pages written at once that both ranked one prompt
      // would update its counts in turn, the second waiting for the first's commit.
      if (page.length >= ingestLines && page.at(-1)!.promptId !== promptId) {
        await store(page);
        page = [];
      }
      page.push({ promptId, unit, record });
      lines++;
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

/** A unit of an output page as ingestion reads it: its state, its line in the batch, and what its call needs. */
interface IngestedUnit {
  promptId: string;
  unitIndex: number;
  state: UnitState;
  /** The unit's line in this batch's input file, its hash and shown order (null for a batch submitted before lines were recorded). */
  line: number | null;
  requestSha256: Buffer | null;
  shownOrder: string[] | null;
  failedTries: number;
  /** The unit's last attempt stored (0 for none): its call from this batch is the next. */
  lastAttempt: number;
  /** This batch already has a call of the unit stored (an ingestion resumed after a crash). */
  ingested: boolean;
}

/**
 * The units of an output page, in one statement: each with its line record (the reference its
 * call stores, and the order the candidates were shown in), so neither the prompt nor its
 * candidates are read.
 */
async function ingestedUnits(run: BatchRun, batchId: string, page: { promptId: string; unit: number }[]): Promise<IngestedUnit[]> {
  // The shown order comes as one comma-separated text (uuids have no commas): parsing 8 uuids a
  // line as a PostgreSQL array literal cost more than the rest of the row. Each unit is looked up by
  // its key (the LIMIT keeps the subquery a lookup per line): knowing the page's 4,000 keys, the
  // planner hashed them against a scan of all the run's units (200,000 rows, 4 times slower).
  const rows = await queryRows<Omit<IngestedUnit, "shownOrder"> & { shownOrder: string | null }>(
    pool(),
    sql`SELECT u.prompt_id, u.unit_index, u.state, l.line, l.request_sha256, array_to_string(l.shown_order, ',') AS shown_order,
               coalesce(f.failed_tries, 0) AS failed_tries, coalesce(f.last_attempt, 0) AS last_attempt, coalesce(f.ingested, false) AS ingested
          FROM unnest(${page.map((l) => l.promptId)}::uuid[], ${page.map((l) => l.unit)}::int[]) AS k(prompt_id, unit_index)
          JOIN LATERAL (SELECT u.run_id, u.prompt_id, u.unit_index, u.state FROM judge_units u
                         WHERE u.run_id = ${run.id} AND u.prompt_id = k.prompt_id AND u.unit_index = k.unit_index LIMIT 1) u ON true
          LEFT JOIN judge_batch_lines l ON l.batch_id = ${batchId}::uuid AND l.prompt_id = u.prompt_id AND l.unit_index = u.unit_index
          LEFT JOIN LATERAL (
            SELECT (count(*) FILTER (WHERE c.status = ${CallStatus.FAILED} AND c.batch_id IS DISTINCT FROM ${batchId}::uuid))::int AS failed_tries,
                   max(c.attempt) AS last_attempt, bool_or(c.batch_id = ${batchId}::uuid) AS ingested
              FROM judge_calls c WHERE c.run_id = u.run_id AND c.prompt_id = u.prompt_id AND c.permutation_index = u.unit_index) f ON true`,
    { name: "batch-ingested-units" },
  );
  return rows.map((r) => ({ ...r, shownOrder: r.shownOrder === null ? null : r.shownOrder === "" ? [] : r.shownOrder.split(",") }));
}

/**
 * The request reference a Batch call stores and its shown order; for a batch submitted before
 * lines were recorded, its whole request rendered again (as the calls of that time stored it).
 */
async function sentRequests(
  run: BatchRun,
  units: IngestedUnit[],
): Promise<Map<string, Pick<CallRecord, "request" | "batchLine" | "requestSha256"> & { order: string[] }>> {
  const sent = new Map<string, Pick<CallRecord, "request" | "batchLine" | "requestSha256"> & { order: string[] }>();
  const unrecorded: IngestedUnit[] = [];
  for (const u of units) {
    if (u.line !== null && u.requestSha256 !== null && u.shownOrder !== null)
      sent.set(batchCustomId(u.promptId, u.unitIndex), {
        order: u.shownOrder,
        request: null,
        batchLine: u.line,
        requestSha256: u.requestSha256,
      });
    else unrecorded.push(u);
  }
  if (unrecorded.length > 0) {
    const prompts = await pendingPrompts(
      run,
      sql`(u.prompt_id, u.unit_index) IN (SELECT * FROM unnest(${unrecorded.map((u) => u.promptId)}::uuid[], ${unrecorded.map((u) => u.unitIndex)}::int[]))`,
      unrecorded.length,
    );
    for (const prompt of prompts)
      for (const unit of prompt.units) {
        const earlier = prompt.earlier?.filter((c) => c.unit === unit) ?? [];
        const { order, request } = batchRequest(run, prompt, unit, earlier);
        sent.set(batchCustomId(prompt.promptId, unit), { order, request, batchLine: null, requestSha256: null });
      }
  }
  return sent;
}

async function ingestPage(
  run: BatchRun,
  local: string,
  kind: "output" | "error",
  page: { promptId: string; unit: number; record: OutputRecord }[],
): Promise<void> {
  const rows = (await ingestedUnits(run, local, page)).filter((r) => r.state === UnitState.PENDING && !r.ingested);
  const byKey = new Map(rows.map((r) => [batchCustomId(r.promptId, r.unitIndex), r]));
  const sent = await sentRequests(run, rows);
  const items: { unit: { runId: string; promptId: string; unitIndex: number }; outcome: UnitOutcome }[] = [];
  // Valid answers get their ranking (and critiques) once the page is read: critiques need the candidates' texts, read in one statement.
  const answered: { outcome: UnitOutcome; unit: number; promptId: string; order: string[]; answer: JudgeAnswer; content: string }[] = [];
  // One spend row per page (a row per line would spread the run's spend over many rows).
  const shard = Math.floor(Math.random() * 1024);
  for (const { promptId, unit, record } of page) {
    const row = byKey.get(batchCustomId(promptId, unit));
    // Done already, or stored by an earlier pass over this file: nothing to add.
    if (!row || row.state !== UnitState.PENDING || row.ingested) continue;
    row.ingested = true;
    const { order, ...reference } = sent.get(batchCustomId(promptId, unit))!;
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
    const valid = parsed?.ok === true;
    const call: CallRecord = {
      status: valid ? "SUCCEEDED" : "FAILED",
      shownOrder: order,
      ...reference,
      response: body ?? record,
      error: problems.join("; ") || null,
      inputTokens: ok ? (body.usage?.prompt_tokens ?? 0) : 0,
      outputTokens: ok ? (body.usage?.completion_tokens ?? 0) : 0,
      latencyMs: 0,
      batchId: local,
      attempt: row.lastAttempt + 1,
    };
    const outcome: UnitOutcome = {
      calls: [call],
      prices: run.modelPrices,
      model: run.model,
      priceFactor: BATCH_PRICE_FACTOR,
      shard,
      outcome: valid ? "DONE" : row.failedTries + 1 > run.maxRetries ? "FAILED" : "RETRY",
    };
    items.push({ unit: { runId: run.id, promptId, unitIndex: unit }, outcome });
    if (parsed?.ok) answered.push({ outcome, unit, promptId, order, answer: parsed.answer, content: content! });
  }
  const critiqueTaxonomy = runCritiqueTaxonomy(run.critiqueTaxonomyVersion, run.critiqueTags);
  // Only a run that asks for critiques reads the candidates' texts (a ranking needs none of them).
  const texts = critiqueTaxonomy ? await completionTexts(pool(), [...new Set(answered.flatMap((a) => a.order))]) : null;
  for (const a of answered)
    Object.assign(
      a.outcome,
      judgeUnitResult(
        { runId: run.id, promptId: a.promptId, permutation: a.unit },
        { order: a.order, texts: texts && a.order.map((id) => texts.get(id) ?? ""), critiqueTaxonomy },
        a.answer,
        a.content,
        [],
      ),
    );
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
  const running = await followBatches(run, client, "all");
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
  // Batches that finish while later files are still written are ingested meanwhile (the database
  // stores one file's results while this process writes the next); the submission's cursor has
  // passed their units, so a unit left pending by them waits for the next poll, as before.
  return (await submitJudgeBatches(fresh, () => followBatches(fresh, client, "created"))) > 0 ? "again" : "done";
}

/**
 * Follows the run's batches not yet ingested and ingests each finished one (one whose ingestion a
 * crash cut short, too); returns how many are still running. "created": only batches whose remote
 * id is saved — while a submission is under way, a batch without one is a file still being written
 * or uploaded, not one a crash left behind.
 */
async function followBatches(run: BatchRun, client: OpenAI, which: "all" | "created"): Promise<number> {
  const live = await queryRows<{ id: string; remoteBatchId: string | null }>(
    pool(),
    sql`SELECT id, remote_batch_id FROM judge_batches WHERE run_id = ${run.id} AND finished_at IS NULL
           AND (${which === "all"} OR remote_batch_id IS NOT NULL) ORDER BY created_at`,
  );
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
    logger.info({ run: run.id, batch: remote.id, lines, ms: Math.round(performance.now() - started) }, "batch ingested");
  }
  return running;
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
