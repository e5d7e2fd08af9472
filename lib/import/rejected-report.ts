import "server-only";
import { createWriteStream, type WriteStream } from "node:fs";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, sql, type Queryable } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";

/**
 * The rejected-records report of a "skip invalid" import: one JSON line per rejected record
 * (location, problems, the record). The CLI writes it to a file; a web upload stores it in the
 * database (import_rejected_chunks, in the import's transaction) so any web server can serve it.
 */
export interface RejectedReportSink {
  write(line: string): Promise<void>;
  /** Flushes what is buffered; the report is complete once this resolves. */
  close(): Promise<void>;
  /** Gives up (the import failed): a file is closed as is; database chunks roll back with the import. */
  abort(): Promise<void>;
}

/** About this many bytes per stored chunk: memory stays bounded whatever the number of rejected records. */
export const REJECTED_CHUNK_BYTES = 1024 * 1024;

/** Appends the report to a file (the CLI's --report). */
export function rejectedReportFile(path: string): RejectedReportSink {
  const stream: WriteStream = createWriteStream(path, { encoding: "utf8" });
  const end = () => new Promise<void>((resolve, reject) => stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return {
    write: (line) =>
      new Promise<void>((resolve, reject) => {
        // Waiting for the write keeps memory bounded when the disk is slower than the import.
        stream.write(line, (err) => (err ? reject(err) : resolve()));
      }),
    close: end,
    abort: () => end().catch(() => undefined),
  };
}

/** Stores the report as chunks of the import on `client` (the import's transaction), about 1 MB each. */
export function rejectedReportChunks(client: Queryable, importId: string, chunkBytes = REJECTED_CHUNK_BYTES): RejectedReportSink {
  let parts: Buffer[] = [];
  let buffered = 0;
  let seq = 0;
  const flush = async () => {
    if (buffered === 0) return;
    const body = Buffer.concat(parts, buffered);
    parts = [];
    buffered = 0;
    await execute(client, sql`INSERT INTO import_rejected_chunks (import_id, seq, body) VALUES (${importId}, ${seq}, ${body})`);
    seq += 1;
  };
  return {
    write: async (line) => {
      const bytes = Buffer.from(line, "utf8");
      parts.push(bytes);
      buffered += bytes.byteLength;
      if (buffered >= chunkBytes) await flush();
    },
    close: flush,
    abort: async () => {
      parts = [];
      buffered = 0;
    },
  };
}

/** Writes every line to each sink in turn. */
export function teeRejectedReport(sinks: RejectedReportSink[]): RejectedReportSink {
  return {
    write: async (line) => {
      for (const sink of sinks) await sink.write(line);
    },
    close: async () => {
      for (const sink of sinks) await sink.close();
    },
    abort: async () => {
      for (const sink of sinks) await sink.abort();
    },
  };
}

/**
 * The stored report of an import as a stream of its chunks, read one at a time (never the whole
 * report in memory), with its size in bytes. Not found when the import stored none.
 */
export async function readStoredRejectedReport(importId: string): Promise<{ bytes: number; stream: ReadableStream<Uint8Array> }> {
  const meta = await queryOne<{ chunks: number; bytes: number }>(
    pool(),
    sql`SELECT count(*)::int AS chunks, coalesce(sum(octet_length(body)), 0)::float8 AS bytes FROM import_rejected_chunks WHERE import_id = ${importId}`,
  );
  if (!meta || meta.chunks === 0) throw new AppError("NOT_FOUND", "This import has no rejected records.");
  let seq = 0;
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (seq >= meta.chunks) {
        controller.close();
        return;
      }
      const row = await queryOne<{ body: Buffer }>(
        pool(),
        sql`SELECT body FROM import_rejected_chunks WHERE import_id = ${importId} AND seq = ${seq}`,
      );
      seq += 1;
      if (!row) {
        controller.error(new Error(`rejected report of import ${importId}: chunk ${seq - 1} is missing`));
        return;
      }
      controller.enqueue(new Uint8Array(row.body.buffer, row.body.byteOffset, row.body.byteLength));
    },
  });
  return { bytes: meta.bytes, stream };
}
