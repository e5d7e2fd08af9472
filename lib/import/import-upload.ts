import "server-only";
import { env } from "@/lib/config/env";
import type { ImportStatus } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { AppError, isUniqueViolation } from "@/lib/errors/app-error";
import { importPrompts, type ImportSummary } from "@/lib/import/import-prompts";
import { FORMAT_CHOOSER_LABEL, SKIP_INVALID_LABEL } from "@/lib/import/upload-schema";
import { DEFAULT_IMPORT_LIMITS } from "@/lib/import/types";
import type { UploadQuery } from "@/lib/import/upload-schema";
import { getProjectBySlug } from "@/lib/projects/queries";

/** Streams an uploaded file straight into the import: the file is never held in memory or on disk. */
export async function importUpload(options: {
  slug: string;
  query: UploadQuery;
  body: ReadableStream<Uint8Array>;
  contentLength: number;
  actorId: string;
}): Promise<ImportSummary> {
  const { query } = options;
  const maxBytes = env().MEDPREF_MAX_UPLOAD_BYTES;
  if (options.contentLength > maxBytes) {
    throw new AppError(
      "TOO_LARGE",
      `The file is ${formatBytes(options.contentLength)}; uploads are limited to ${formatBytes(maxBytes)} (MEDPREF_MAX_UPLOAD_BYTES). Use the CLI for larger files.`,
    );
  }
  const project = await getProjectBySlug(options.slug);
  try {
    await execute(
      pool(),
      sql`INSERT INTO imports (id, project_id, file_name, format, bytes_total, created_by_id)
          VALUES (${query.importId}, ${project.id}, ${query.fileName}, ${query.format}, ${options.contentLength}, ${options.actorId})`,
    );
  } catch (e) {
    if (isUniqueViolation(e))
      throw new AppError("CONFLICT", "This upload was already received (same import id); its result is on the import's status page.");
    throw e;
  }
  return importPrompts({
    projectId: project.id,
    importId: query.importId,
    input: limitBytes(options.body, maxBytes),
    fileName: query.fileName,
    bytesTotal: options.contentLength,
    format: query.format,
    skipInvalid: query.skipInvalid,
    limits: { ...DEFAULT_IMPORT_LIMITS, maxFieldBytes: env().MEDPREF_MAX_COMPLETION_BYTES },
    actorId: options.actorId,
    // In the database, not on this server's disk: any web server can serve it.
    storeRejectedReport: true,
    // The browser's user acts on the upload form, so the hints name its controls (the CLI's name its flags).
    hints: {
      skipInvalid: `by ticking "${SKIP_INVALID_LABEL}" and importing again`,
      chooseFormat: `choose the file's format under "${FORMAT_CHOOSER_LABEL}" and import again`,
    },
  });
}

/** The upload body as Buffers, refused (413) once it passes `maxBytes`. */
export async function* limitBytes(body: ReadableStream<Uint8Array>, maxBytes: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength;
    if (total > maxBytes) throw new AppError("TOO_LARGE", `Uploads are limited to ${formatBytes(maxBytes)}.`);
    yield Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  }
}

export function formatBytes(n: number): string {
  return n >= 1024 ** 3 ? `${(n / 1024 ** 3).toFixed(1)} GB` : `${Math.round(n / 1024 ** 2)} MB`;
}

/** The status the upload page polls. */
export async function getImportStatus(importId: string) {
  const r = await queryOne<{
    id: string;
    project: string;
    status: ImportStatus;
    fileName: string;
    bytesTotal: number;
    bytesRead: number;
    recordsRead: number;
    promptsAdded: number;
    promptsDuplicate: number;
    completionsAdded: number;
    recordsRejected: number;
    report: { message?: string; problems?: { location: string; field: string; reason: string }[]; problemsNotShown?: number };
  }>(
    pool(),
    sql`SELECT i.id, i.status, i.file_name, i.bytes_total::float8 AS bytes_total, i.bytes_read::float8 AS bytes_read, i.records_read, i.prompts_added, i.prompts_duplicate,
            i.completions_added, i.records_rejected, i.report, p.slug AS project
       FROM imports i JOIN projects p ON p.id = i.project_id WHERE i.id = ${importId}`,
  );
  if (!r) throw new AppError("NOT_FOUND", "No such import.");
  return {
    id: r.id,
    project: r.project,
    status: r.status,
    fileName: r.fileName,
    bytesTotal: r.bytesTotal,
    bytesRead: r.bytesRead,
    recordsRead: r.recordsRead,
    promptsAdded: r.promptsAdded,
    promptsDuplicate: r.promptsDuplicate,
    completionsAdded: r.completionsAdded,
    recordsRejected: r.recordsRejected,
    report: r.report,
  };
}
