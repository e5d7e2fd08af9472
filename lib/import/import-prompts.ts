import "server-only";
import { randomUUID } from "node:crypto";
import { writeAudit } from "@/lib/audit/audit-entry";
import { copyRowsInto } from "@/lib/db/copy-from";
import { copyTextRow } from "@/lib/db/copy-text";
import { ImportStatus } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql, type Queryable } from "@/lib/db/sql";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { completionContentHash } from "@/lib/import/content-hash";
import { classifyRecord } from "@/lib/import/classify-record";
import { ImportTally, type PendingPrompt } from "@/lib/import/import-tally";
import { readRecords } from "@/lib/import/read-records";
import { rejectedReportChunks, rejectedReportFile, teeRejectedReport, type RejectedReportSink } from "@/lib/import/rejected-report";
import { logger } from "@/lib/logger";
import { addImportedCounts } from "@/lib/projects/project-counts";
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
  /**
   * With skipInvalid: also store that report in the database (import_rejected_chunks, in the
   * import's transaction), where any web server can serve it (GET /api/imports/:id/rejected).
   */
  storeRejectedReport?: boolean;
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
  /** The rejected records are stored in the database (storeRejectedReport and at least one was rejected). */
  rejectedReportStored: boolean;
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
  const tally = new ImportTally(options.format === "auto" ? null : options.format, options.skipInvalid, randomUUID);
  const progress = new ImportProgressReporter(importId, options);
  let rejectedReport: RejectedReportSink | undefined;
  try {
    try {
      const summary = await withTransaction(async (tx) => {
        // One import at a time per project: concurrent imports of the same file cannot both add it.
        await execute(tx, sql`SELECT pg_advisory_xact_lock(hashtext('medpref-import:' || ${options.projectId}))`);
        rejectedReport = rejectedReportSink(tx, importId, options);
        await readAndWrite(tx, options, importId, tally, progress, rejectedReport);
        await rejectedReport?.close();
        progress.report(tally, true);
        const summary = importSummary(importId, tally, options);
        if (!summary.ok) throw new InvalidImport(summary);
        await finishImport(tx, options, summary);
        return summary;
      });
      if (summary.promptsAdded >= ANALYZE_AFTER_PROMPTS) await analyzeImportedTables();
      return summary;
    } catch (error) {
      if (!(error instanceof InvalidImport)) throw error;
      // Rolled back; the import row (committed before, outside the import's transaction) records why.
      await finishImportRow(pool(), importId, error.summary, ImportStatus.FAILED);
      return error.summary;
    }
  } catch (error) {
    await rejectedReport?.abort().catch(() => undefined);
    await execute(
      pool(),
      sql`UPDATE imports SET status = ${ImportStatus.FAILED}, finished_at = now(), report = ${JSON.stringify({ message: `Import failed: ${(error as Error).message}` })}::jsonb
           WHERE id = ${importId}`,
    ).catch(() => undefined);
    throw error;
  } finally {
    progress.stop();
  }
}

/** Imports at least this large refresh the planner's statistics of the tables they filled. */
export const ANALYZE_AFTER_PROMPTS = 1_000;

/**
 * Statistics of the tables an import fills, taken afresh once it has committed. Until autovacuum
 * gets to them, the planner (and every session's cached plans, which ANALYZE invalidates) would
 * go on sizing these tables as before the import: at 100,000 prompts a ranking trigger's cached
 * plan, made when the project was empty, walked the transition table once per prompt (15 minutes
 * instead of seconds). The import is committed by then, so a failure here is logged, not raised.
 */
async function analyzeImportedTables(): Promise<void> {
  // One table per connection, all at once: the import waits for the slowest table, not for their sum.
  const tables = [sql`prompts`, sql`completions`, sql`prompt_ranking_counts`, sql`prompt_list_keys`, sql`prompt_search_texts`];
  await Promise.all(
    tables.map((table) =>
      execute(pool(), sql`ANALYZE ${table}`).catch((error: unknown) =>
        logger.warn({ err: error }, "statistics after the import were not refreshed (autovacuum will)"),
      ),
    ),
  );
}

/** A file with invalid records (without skipInvalid): thrown to roll the import's transaction back, then reported as its summary. */
class InvalidImport extends Error {
  constructor(readonly summary: ImportSummary) {
    super(summary.message);
  }
}

/**
 * Reads every record, classifies it, and writes the prompts taken in batches (not the last batch
 * of a failing import). A full batch is written while the next one is read: PostgreSQL inserts
 * one batch as this process parses the next, instead of each waiting for the other. One batch
 * is written at a time (one statement at a time on the transaction's connection).
 */
async function readAndWrite(
  client: Tx,
  options: ImportOptions,
  importId: string,
  tally: ImportTally,
  progress: ImportProgressReporter,
  rejectedReport: RejectedReportSink | undefined,
): Promise<void> {
  const records = readRecords(options.input, {
    maxRecordBytes: options.limits.maxFieldBytes * (options.limits.maxCandidates + 4) + 1024 * 1024,
    onBytes: (n) => {
      progress.bytesRead = n;
    },
  });
  let writing: Promise<void> | null = null;
  try {
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
        await rejectedReport?.write(
          JSON.stringify({ location: record.location, problems: result.problems, record: result.raw ?? null }) + "\n",
        );
        if (result.stopsImport) break;
      }
      if (batchFull) {
        await writing;
        writing = writeBatch(client, options.projectId, importId, tally, tally.takeBatch());
      }
    }
    const last = writing;
    writing = null;
    await last;
  } finally {
    // Reading failed while a batch was being written: its outcome no longer matters (the transaction rolls back).
    await writing?.catch(() => undefined);
  }
  tally.finishReading();
  if (!tally.failed) await writeBatch(client, options.projectId, importId, tally, tally.takeBatch());
}

/** Writes a batch with COPY, leaving out the prompts the project already has. */
async function writeBatch(client: Tx, projectId: string, importId: string, tally: ImportTally, batch: PendingPrompt[]): Promise<void> {
  if (batch.length === 0) return;
  const existing = await queryRows<{ contentHash: string }>(
    client,
    sql`SELECT content_hash FROM prompts WHERE project_id = ${projectId} AND content_hash = ANY(${batch.map((p) => p.hash)}::text[])`,
  );
  const known = new Set(existing.map((r) => r.contentHash));
  const fresh = batch.filter((p) => !known.has(p.hash));
  if (fresh.length > 0) {
    await copyRowsInto(client, "prompts", PROMPT_COLUMNS, promptRows(fresh, projectId, importId));
    await copyRowsInto(client, "completions", COMPLETION_COLUMNS, completionRows(fresh));
    await addImportedCounts(client, projectId, {
      prompts: fresh.length,
      completions: fresh.reduce((n, p) => n + p.prompt.completions.length, 0),
    });
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
    rejectedReportStored: Boolean(options.skipInvalid && options.storeRejectedReport && !failed && problems.rejectedRecords > 0),
    message: "",
  };
  summary.message = summaryMessage(summary, options.hints);
  return summary;
}

/** A good import records its counts and the audit entry in its transaction (a failed one is rolled back, see importPrompts). */
async function finishImport(client: Tx, options: ImportOptions, summary: ImportSummary): Promise<void> {
  await finishImportRow(client, summary.importId, summary, ImportStatus.SUCCEEDED);
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
      execute(
        pool(),
        sql`UPDATE imports SET bytes_read = ${this.bytesRead}, records_read = ${this.recordsRead}, updated_at = now()
             WHERE id = ${importId} AND status = ${ImportStatus.RUNNING}`,
      ).catch(() => undefined);
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
  return execute(
    pool(),
    sql`UPDATE imports SET status = ${ImportStatus.FAILED}, finished_at = now(),
            report = jsonb_build_object('message', 'Interrupted: the importing process stopped before finishing. Nothing was imported; run the import again.')
      WHERE status = ${ImportStatus.RUNNING} AND updated_at < now() - make_interval(mins => ${IMPORT_STALE_AFTER_MINUTES})`,
  );
}

async function createImportRow(options: ImportOptions): Promise<string> {
  const row = await queryOne<{ id: string }>(
    pool(),
    sql`INSERT INTO imports (project_id, file_name, format, bytes_total, created_by_id)
        VALUES (${options.projectId}, ${options.fileName}, ${options.format}, ${options.bytesTotal}, ${options.actorId}) RETURNING id`,
  );
  return row!.id;
}

async function finishImportRow(
  client: Queryable,
  importId: string,
  s: ImportSummary,
  status: typeof ImportStatus.SUCCEEDED | typeof ImportStatus.FAILED,
) {
  const report = JSON.stringify({
    message: s.message,
    problems: s.problems,
    problemsNotShown: s.problemsNotShown,
    duplicatesExisting: s.duplicatesExisting,
    duplicatesInFile: s.duplicatesInFile,
    rejectedReportPath: s.rejectedReportPath,
    rejectedReportStored: s.rejectedReportStored,
  });
  await execute(
    client,
    sql`UPDATE imports SET status = ${status}, format = COALESCE(${s.format}, format), records_read = ${s.recordsRead}, prompts_added = ${s.promptsAdded},
       prompts_duplicate = ${s.duplicatesExisting + s.duplicatesInFile}, completions_added = ${s.completionsAdded}, records_rejected = ${s.recordsRejected},
       report = ${report}::jsonb, finished_at = now(), updated_at = now(), bytes_read = bytes_total
     WHERE id = ${importId}`,
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
export function summaryMessage(s: ImportSummary, hints: ImportHints): string {
  const dupes = s.duplicatesExisting + s.duplicatesInFile;
  // Skipping invalid records cannot help a file whose format is unknown: nothing in it can be read.
  if (!s.ok && s.format === null) return `Nothing imported: the file's format cannot be told from its first record; ${hints.chooseFormat}.`;
  if (!s.ok) {
    return `Nothing imported: ${s.recordsRejected} of ${s.recordsRead} record${s.recordsRead === 1 ? "" : "s"} ${s.recordsRejected === 1 ? "is" : "are"} invalid. Fix them, or import the valid ones ${hints.skipInvalid}.`;
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

/** Where a skip-invalid import's rejected records go: the file asked for, the database, or both. */
function rejectedReportSink(tx: Tx, importId: string, options: ImportOptions): RejectedReportSink | undefined {
  if (!options.skipInvalid) return undefined;
  const sinks: RejectedReportSink[] = [];
  if (options.rejectedReportPath) sinks.push(rejectedReportFile(options.rejectedReportPath));
  if (options.storeRejectedReport) sinks.push(rejectedReportChunks(tx, importId));
  return sinks.length === 0 ? undefined : sinks.length === 1 ? sinks[0] : teeRejectedReport(sinks);
}
