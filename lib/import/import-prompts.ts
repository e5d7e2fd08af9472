import "server-only";
import { randomUUID } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { writeAudit } from "@/lib/audit/audit-entry";
import { copyRowsInto } from "@/lib/db/copy-from";
import { copyTextRow } from "@/lib/db/copy-text";
import type { PoolClient } from "pg";
import { pool } from "@/lib/db/pool";
import { completionContentHash } from "@/lib/import/content-hash";
import { classifyRecord } from "@/lib/import/classify-record";
import { ImportTally, type PendingPrompt } from "@/lib/import/import-tally";
import { readRecords } from "@/lib/import/read-records";
import type { ImportFormat, ImportLimits, RecordProblem } from "@/lib/import/types";

export interface ImportOptions {
  projectId: string;
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  fileName: string;
  bytesTotal: number;
  format: ImportFormat | "auto";
  /** Import the valid records and report the others, instead of importing nothing. */
  skipInvalid: boolean;
  limits: ImportLimits;
  actorId: string | null;
  /** With skipInvalid: where the rejected records and their reasons are written (JSONL). */
  rejectedReportPath?: string;
  /** An import row created beforehand (the web upload creates it to report progress). */
  importId?: string;
  onProgress?: (progress: ImportProgress) => void;
  /** How the caller's user does what a message asks for (CLI flags, form controls): lib/cli/import-hints.ts for the CLI. */
  hints: ImportHints;
}

export interface ImportHints {
  /** How to import only the valid records ("with --skip-invalid"), ending the refusal message. */
  skipInvalid: string;
  /** How to name the format ("pass --format"), ending the problem of a record whose format cannot be told. */
  chooseFormat: string;
}

export interface ImportProgress {
  bytesRead: number;
  bytesTotal: number;
  recordsRead: number;
  /** The last call: every record has been read. */
  done: boolean;
}

export interface ImportSummary {
  importId: string;
  ok: boolean;
  format: ImportFormat | null;
  recordsRead: number;
  promptsAdded: number;
  completionsAdded: number;
  duplicatesExisting: number;
  duplicatesInFile: number;
  recordsRejected: number;
  problems: RecordProblem[];
  problemsNotShown: number;
  rejectedReportPath: string | null;
  message: string;
}

/** Thrown for files that cannot be imported at all; the summary says why. */
export class ImportRejectedError extends Error {
  constructor(readonly summary: ImportSummary) {
    super(summary.message);
  }
}

const PROGRESS_EVERY_MS = 250;
const HEARTBEAT_EVERY_MS = 1_000;
/** A RUNNING import whose heartbeat is older than this was interrupted (crash, kill). */
export const IMPORT_STALE_AFTER_MINUTES = 5;

const PROMPT_COLUMNS = [
  "id",
  "project_id",
  "import_id",
  "external_id",
  "messages",
  "reference_answer",
  "source",
  "prompt_type",
  "tags",
  "metadata",
  "content_hash",
] as const;
const COMPLETION_COLUMNS = ["prompt_id", "model", "text", "position", "content_hash"] as const;

/**
 * Imports a prompt file into a project in one transaction: streamed, validated record by record
 * (classifyRecord), deduplicated by content hash, written with COPY. Without skipInvalid, one bad
 * record means nothing is written and every problem is reported. A crash at any point leaves nothing behind.
 */
export async function importPrompts(options: ImportOptions): Promise<ImportSummary> {
  const importId = options.importId ?? (await createImportRow(options));
  const client = await pool().connect();
  const tally = new ImportTally(options.format === "auto" ? null : options.format, options.skipInvalid, randomUUID);
  const progress = new ImportProgressReporter(importId, options);
  let rejectedReport: WriteStream | undefined;
  try {
    await client.query("BEGIN");
    // One import at a time per project: concurrent imports of the same file cannot both add it.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('medpref-import:' || $1))", [options.projectId]);
    if (options.skipInvalid && options.rejectedReportPath) {
      rejectedReport = createWriteStream(options.rejectedReportPath, { encoding: "utf8" });
    }
    await readAndWrite(client, options, importId, tally, progress, rejectedReport);
    await closeStream(rejectedReport);
    progress.report(tally, true);
    const summary = importSummary(importId, tally, options);
    await finishImport(client, options, summary);
    return summary;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    await closeStream(rejectedReport).catch(() => undefined);
    await pool()
      .query("UPDATE imports SET status = 'FAILED', finished_at = now(), report = $2::jsonb WHERE id = $1", [
        importId,
        JSON.stringify({ message: `Import failed: ${(error as Error).message}` }),
      ])
      .catch(() => undefined);
    throw error;
  } finally {
    progress.stop();
    client.release();
  }
}

/** Reads every record, classifies it, and writes the prompts taken in batches (not the last batch of a failing import). */
async function readAndWrite(
  client: PoolClient,
  options: ImportOptions,
  importId: string,
  tally: ImportTally,
  progress: ImportProgressReporter,
  rejectedReport: WriteStream | undefined,
): Promise<void> {
  const records = readRecords(options.input, {
    maxRecordBytes: options.limits.maxFieldBytes * (options.limits.maxCandidates + 4) + 1024 * 1024,
    onBytes: (n) => {
      progress.bytesRead = n;
    },
  });
  for await (const record of records) {
    tally.recordsRead += 1;
    progress.report(tally);
    const result = classifyRecord(record, {
      format: tally.format,
      seen: tally.seen,
      writing: tally.writing,
      limits: options.limits,
      howToChooseFormat: options.hints.chooseFormat,
    });
    const batchFull = tally.add(record, result);
    if (result.kind === "invalid") {
      rejectedReport?.write(JSON.stringify({ location: record.location, problems: result.problems, record: result.raw ?? null }) + "\n");
      if (result.stopsImport) break;
    }
    if (batchFull) await writeBatch(client, options.projectId, importId, tally);
  }
  tally.finishReading();
  if (!tally.failed) await writeBatch(client, options.projectId, importId, tally);
}

/** Writes the waiting batch with COPY, leaving out the prompts the project already has. */
async function writeBatch(client: PoolClient, projectId: string, importId: string, tally: ImportTally): Promise<void> {
  const batch = tally.takeBatch();
  if (batch.length === 0) return;
  const existing = await client.query<{ content_hash: string }>(
    "SELECT content_hash FROM prompts WHERE project_id = $1 AND content_hash = ANY($2::text[])",
    [projectId, batch.map((p) => p.hash)],
  );
  const known = new Set(existing.rows.map((r) => r.content_hash));
  const fresh = batch.filter((p) => !known.has(p.hash));
  if (fresh.length > 0) {
    await copyRowsInto(client, "prompts", PROMPT_COLUMNS, promptRows(fresh, projectId, importId));
    await copyRowsInto(client, "completions", COMPLETION_COLUMNS, completionRows(fresh));
  }
  tally.written(batch.length, fresh);
}

function importSummary(importId: string, tally: ImportTally, options: ImportOptions): ImportSummary {
  const { problems, failed } = tally;
  const summary: ImportSummary = {
    importId,
    ok: !failed,
    format: tally.format,
    recordsRead: tally.recordsRead,
    promptsAdded: failed ? 0 : tally.promptsAdded,
    completionsAdded: failed ? 0 : tally.completionsAdded,
    duplicatesExisting: tally.duplicatesExisting,
    duplicatesInFile: tally.duplicatesInFile,
    recordsRejected: problems.rejectedRecords,
    problems: problems.shown,
    problemsNotShown: problems.notShown,
    rejectedReportPath:
      options.skipInvalid && options.rejectedReportPath && problems.rejectedRecords > 0 ? options.rejectedReportPath : null,
    message: "",
  };
  summary.message = summaryMessage(summary, options.hints.skipInvalid);
  return summary;
}

/** A failed import rolls back and records why; a good one records its counts and the audit entry, then commits. */
async function finishImport(client: PoolClient, options: ImportOptions, summary: ImportSummary): Promise<void> {
  if (!summary.ok) {
    await client.query("ROLLBACK");
    await finishImportRow(client, summary.importId, summary, "FAILED");
    return;
  }
  await finishImportRow(client, summary.importId, summary, "SUCCEEDED");
  await writeAudit(client, {
    actorId: options.actorId,
    action: "import.complete",
    entityType: "import",
    entityId: summary.importId,
    after: {
      projectId: options.projectId,
      fileName: options.fileName,
      format: summary.format,
      promptsAdded: summary.promptsAdded,
      completionsAdded: summary.completionsAdded,
      duplicatesExisting: summary.duplicatesExisting,
      duplicatesInFile: summary.duplicatesInFile,
      recordsRejected: summary.recordsRejected,
    },
  });
  await client.query("COMMIT");
}

/**
 * Progress to the caller (at most every 250 ms, and once at the end) and liveness to the import
 * row, on another connection outside the import's transaction, so the upload page and
 * `project show` can follow it.
 */
class ImportProgressReporter {
  bytesRead = 0;
  private recordsRead = 0;
  private lastProgress = 0;
  private readonly heartbeat: ReturnType<typeof setInterval>;

  constructor(
    importId: string,
    private readonly options: Pick<ImportOptions, "onProgress" | "bytesTotal">,
  ) {
    this.heartbeat = setInterval(() => {
      pool()
        .query("UPDATE imports SET bytes_read = $2, records_read = $3, updated_at = now() WHERE id = $1 AND status = 'RUNNING'", [
          importId,
          this.bytesRead,
          this.recordsRead,
        ])
        .catch(() => undefined);
    }, HEARTBEAT_EVERY_MS);
  }

  report(tally: ImportTally, done = false): void {
    this.recordsRead = tally.recordsRead;
    const now = Date.now();
    if (!this.options.onProgress || (!done && now - this.lastProgress < PROGRESS_EVERY_MS)) return;
    this.lastProgress = now;
    this.options.onProgress({ bytesRead: this.bytesRead, bytesTotal: this.options.bytesTotal, recordsRead: tally.recordsRead, done });
  }

  stop(): void {
    clearInterval(this.heartbeat);
  }
}

/** Marks imports whose process died mid-way as failed (their transaction left nothing behind). */
export async function failInterruptedImports(): Promise<number> {
  const result = await pool().query(
    `UPDATE imports SET status = 'FAILED', finished_at = now(),
            report = jsonb_build_object('message', 'Interrupted: the importing process stopped before finishing. Nothing was imported; run the import again.')
      WHERE status = 'RUNNING' AND updated_at < now() - make_interval(mins => $1)`,
    [IMPORT_STALE_AFTER_MINUTES],
  );
  return result.rowCount ?? 0;
}

async function createImportRow(options: ImportOptions): Promise<string> {
  const { rows } = await pool().query<{ id: string }>(
    "INSERT INTO imports (project_id, file_name, format, bytes_total, created_by_id) VALUES ($1, $2, $3, $4, $5) RETURNING id",
    [options.projectId, options.fileName, options.format, options.bytesTotal, options.actorId],
  );
  return rows[0]!.id;
}

async function finishImportRow(
  client: { query: (text: string, values: unknown[]) => Promise<unknown> },
  importId: string,
  s: ImportSummary,
  status: "SUCCEEDED" | "FAILED",
) {
  await client.query(
    `UPDATE imports SET status = $2, format = COALESCE($3, format), records_read = $4, prompts_added = $5, prompts_duplicate = $6,
       completions_added = $7, records_rejected = $8, report = $9::jsonb, finished_at = now(), updated_at = now(), bytes_read = bytes_total
     WHERE id = $1`,
    [
      importId,
      status,
      s.format,
      s.recordsRead,
      s.promptsAdded,
      s.duplicatesExisting + s.duplicatesInFile,
      s.completionsAdded,
      s.recordsRejected,
      JSON.stringify({
        message: s.message,
        problems: s.problems,
        problemsNotShown: s.problemsNotShown,
        duplicatesExisting: s.duplicatesExisting,
        duplicatesInFile: s.duplicatesInFile,
        rejectedReportPath: s.rejectedReportPath,
      }),
    ],
  );
}

function* promptRows(prompts: PendingPrompt[], projectId: string, importId: string): Generator<string> {
  for (const { id, hash, prompt: p } of prompts) {
    yield copyTextRow([
      id,
      projectId,
      importId,
      p.externalId,
      JSON.stringify(p.messages),
      p.referenceAnswer,
      p.source,
      p.promptType,
      p.tags,
      JSON.stringify(p.metadata),
      hash,
    ]);
  }
}

function* completionRows(prompts: PendingPrompt[]): Generator<string> {
  for (const { id, prompt } of prompts) {
    let position = 0;
    for (const c of prompt.completions) {
      yield copyTextRow([id, c.model, c.text, position, completionContentHash(c.text)]);
      position += 1;
    }
  }
}

/** The summary's one-line message; `howToSkipInvalid` is how the caller's user imports only the valid records. */
export function summaryMessage(s: ImportSummary, howToSkipInvalid: string): string {
  const dupes = s.duplicatesExisting + s.duplicatesInFile;
  if (!s.ok) {
    return `Nothing imported: ${s.recordsRejected} of ${s.recordsRead} record${s.recordsRead === 1 ? "" : "s"} ${s.recordsRejected === 1 ? "is" : "are"} invalid. Fix them, or import the valid ones ${howToSkipInvalid}.`;
  }
  if (s.promptsAdded === 0 && dupes > 0 && s.recordsRejected === 0) {
    return `Nothing new: all ${dupes} prompt${dupes === 1 ? " was" : "s were"} already in the project.`;
  }
  const parts = [`Imported ${s.promptsAdded} prompt${s.promptsAdded === 1 ? "" : "s"} with ${s.completionsAdded} candidate completions`];
  if (s.duplicatesExisting) parts.push(`${s.duplicatesExisting} already in the project`);
  if (s.duplicatesInFile) parts.push(`${s.duplicatesInFile} repeated in the file`);
  if (s.recordsRejected) parts.push(`${s.recordsRejected} invalid record${s.recordsRejected === 1 ? "" : "s"} skipped`);
  return parts.join("; ") + ".";
}

function closeStream(stream: WriteStream | undefined): Promise<void> {
  if (!stream) return Promise.resolve();
  return new Promise((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
}
