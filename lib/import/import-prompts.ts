import { randomUUID } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { writeAudit } from "@/lib/audit/audit-entry";
import { copyRowsInto } from "@/lib/db/copy-from";
import { copyTextRow } from "@/lib/db/copy-text";
import { pool } from "@/lib/db/pool";
import { completionContentHash, promptContentHash } from "@/lib/import/content-hash";
import { detectFormat, normalizers } from "@/lib/import/formats";
import { ProblemList } from "@/lib/import/problem-list";
import { readRecords } from "@/lib/import/read-records";
import type { ImportFormat, ImportLimits, NormalizedPrompt, RecordProblem } from "@/lib/import/types";
import { validateNormalizedPrompt } from "@/lib/import/validate-prompt";

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
  /** How this caller's user imports only the valid records, for the refusal message (default: the CLI flag). */
  howToSkipInvalid?: string;
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

const BATCH_PROMPTS = 500;
const BATCH_BYTES = 16 * 1024 * 1024;
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

interface PendingPrompt {
  id: string;
  hash: string;
  prompt: NormalizedPrompt;
}

/**
 * Imports a prompt file into a project in one transaction: streamed, validated record by record,
 * deduplicated by content hash, written with COPY. Without skipInvalid, one bad record means
 * nothing is written and every problem is reported. A crash at any point leaves nothing behind.
 */
export async function importPrompts(options: ImportOptions): Promise<ImportSummary> {
  const importId = options.importId ?? (await createImportRow(options));
  const client = await pool().connect();
  const problems = new ProblemList();
  const seen = new Set<string>();
  let format: ImportFormat | null = options.format === "auto" ? null : options.format;
  let recordsRead = 0;
  let promptsAdded = 0;
  let completionsAdded = 0;
  let duplicatesExisting = 0;
  let duplicatesInFile = 0;
  let batch: PendingPrompt[] = [];
  let batchBytes = 0;
  let rejectedReport: WriteStream | undefined;
  let bytesRead = 0;
  let lastProgress = 0;

  const reportProgress = (force = false) => {
    const now = Date.now();
    if (!options.onProgress || (!force && now - lastProgress < PROGRESS_EVERY_MS)) return;
    lastProgress = now;
    options.onProgress({ bytesRead, bytesTotal: options.bytesTotal, recordsRead, done: force });
  };
  // Progress and liveness go to the import row on another connection, outside the import's
  // transaction, so the upload page and `project show` can follow them.
  const heartbeat = setInterval(() => {
    pool()
      .query("UPDATE imports SET bytes_read = $2, records_read = $3, updated_at = now() WHERE id = $1 AND status = 'RUNNING'", [
        importId,
        bytesRead,
        recordsRead,
      ])
      .catch(() => undefined);
  }, HEARTBEAT_EVERY_MS);

  const flush = async () => {
    if (batch.length === 0) return;
    const existing = await client.query<{ content_hash: string }>(
      "SELECT content_hash FROM prompts WHERE project_id = $1 AND content_hash = ANY($2::text[])",
      [options.projectId, batch.map((p) => p.hash)],
    );
    const known = new Set(existing.rows.map((r) => r.content_hash));
    const fresh = batch.filter((p) => !known.has(p.hash));
    duplicatesExisting += batch.length - fresh.length;
    batch = [];
    batchBytes = 0;
    if (fresh.length === 0) return;
    await copyRowsInto(client, "prompts", PROMPT_COLUMNS, promptRows(fresh, options.projectId, importId));
    await copyRowsInto(client, "completions", COMPLETION_COLUMNS, completionRows(fresh));
    promptsAdded += fresh.length;
    completionsAdded += fresh.reduce((n, p) => n + p.prompt.completions.length, 0);
  };

  try {
    await client.query("BEGIN");
    // One import at a time per project: concurrent imports of the same file cannot both add it.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('medpref-import:' || $1))", [options.projectId]);
    if (options.skipInvalid && options.rejectedReportPath) {
      rejectedReport = createWriteStream(options.rejectedReportPath, { encoding: "utf8" });
    }
    const records = readRecords(options.input, {
      maxRecordBytes: options.limits.maxFieldBytes * (options.limits.maxCandidates + 4) + 1024 * 1024,
      onBytes: (n) => {
        bytesRead = n;
      },
    });
    for await (const record of records) {
      recordsRead += 1;
      reportProgress();
      const reject = (fieldProblems: { field: string; reason: string }[], raw?: unknown) => {
        problems.addRecord(record.location, fieldProblems);
        rejectedReport?.write(JSON.stringify({ location: record.location, problems: fieldProblems, record: raw ?? null }) + "\n");
      };
      if ("error" in record) {
        reject([{ field: record.field ?? "(record)", reason: record.error }]);
        continue;
      }
      if (!format) {
        format = detectFormat(record.value) ?? null;
        if (!format) {
          reject(
            [
              {
                field: "(record)",
                reason:
                  "cannot tell the file format from this record: expected UltraMedical (conversations + model_outputs), UltraFeedback (instruction + completions) or MedPref JSONL (prompt or messages + completions); pass --format",
              },
            ],
            record.value,
          );
          break;
        }
      }
      const normalized = normalizers[format](record.value);
      if (!normalized.ok) {
        reject(normalized.problems, record.value);
        continue;
      }
      const fieldProblems = validateNormalizedPrompt(normalized.prompt, options.limits);
      if (fieldProblems.length) {
        reject(fieldProblems, record.value);
        continue;
      }
      // Once a record is bad (and bad records abort the import), keep validating but stop writing.
      if (problems.rejectedRecords > 0 && !options.skipInvalid) continue;
      const hash = promptContentHash(normalized.prompt.messages);
      if (seen.has(hash)) {
        duplicatesInFile += 1;
        continue;
      }
      seen.add(hash);
      batch.push({ id: randomUUID(), hash, prompt: normalized.prompt });
      batchBytes += normalized.prompt.completions.reduce((n, c) => n + c.text.length, 0);
      if (batch.length >= BATCH_PROMPTS || batchBytes >= BATCH_BYTES) await flush();
    }
    if (recordsRead === 0) problems.addRecord("file", [{ field: "(file)", reason: "the file holds no records" }]);
    const failed = problems.rejectedRecords > 0 && !options.skipInvalid;
    if (!failed) await flush();
    await closeStream(rejectedReport);
    reportProgress(true);

    const summary: ImportSummary = {
      importId,
      ok: !failed,
      format,
      recordsRead,
      promptsAdded: failed ? 0 : promptsAdded,
      completionsAdded: failed ? 0 : completionsAdded,
      duplicatesExisting,
      duplicatesInFile,
      recordsRejected: problems.rejectedRecords,
      problems: problems.shown,
      problemsNotShown: problems.notShown,
      rejectedReportPath:
        options.skipInvalid && options.rejectedReportPath && problems.rejectedRecords > 0 ? options.rejectedReportPath : null,
      message: "",
    };
    summary.message = summaryMessage(summary, options.howToSkipInvalid);
    if (failed) {
      await client.query("ROLLBACK");
      await finishImportRow(client, importId, summary, "FAILED");
      return summary;
    }
    await finishImportRow(client, importId, summary, "SUCCEEDED");
    await writeAudit(client, {
      actorId: options.actorId,
      action: "import.complete",
      entityType: "import",
      entityId: importId,
      after: {
        projectId: options.projectId,
        fileName: options.fileName,
        format,
        promptsAdded,
        completionsAdded,
        duplicatesExisting,
        duplicatesInFile,
        recordsRejected: problems.rejectedRecords,
      },
    });
    await client.query("COMMIT");
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
    clearInterval(heartbeat);
    client.release();
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

export const SKIP_INVALID_CLI = "with --skip-invalid";

export function summaryMessage(s: ImportSummary, howToSkipInvalid = SKIP_INVALID_CLI): string {
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
