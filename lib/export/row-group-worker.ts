/**
 * The thread that encodes a package's Parquet row groups (lib/export/row-group-encoder.ts starts it):
 * Dremel levels, string pages, Snappy and the file writes run here while the export's main thread
 * parses the next prompts, instead of stopping it for each row group. It applies the main thread's
 * operations in their order, so each file gets the row groups, and bytes, it would get written there.
 */
import { parentPort } from "node:worker_threads";
import type { SchemaElement } from "hyparquet";
import { PageCompressor, ParquetFileWriter } from "@/lib/export/parquet-writer";

/** One step of the main thread's writing, in order: a file opened, a row added to its row group, the row group written, the file finished. */
export type RowGroupOp =
  | { op: "open"; file: number; path: string; schema: SchemaElement[]; columns: string[] }
  | { op: "row"; file: number; row: Record<string, unknown> }
  | { op: "flush"; file: number }
  | { op: "finish"; file: number };

export interface RowGroupBatch {
  batch: number;
  ops: RowGroupOp[];
}

/** A batch done: the files it finished (size and SHA-256), or the error that stopped it. */
export type RowGroupReply =
  { batch: number; finished: { file: number; bytes: number; sha256: string }[] } | { batch: number; error: string };

interface OpenFile {
  writer: ParquetFileWriter;
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Applies batches of operations to the files they name; one compressor for all, whose pages can repeat one another's. */
export function rowGroupApplier(): (ops: RowGroupOp[]) => { file: number; bytes: number; sha256: string }[] {
  const compressor = new PageCompressor();
  const files = new Map<number, OpenFile>();
  const flush = (file: OpenFile) => {
    if (file.rows.length === 0) return;
    const rows = file.rows;
    file.rows = [];
    file.writer.writeRowGroup(
      file.columns.map((name) => ({ name, data: rows.map((r) => r[name] ?? null) })),
      rows.length,
    );
  };
  return (ops) => {
    const finished: { file: number; bytes: number; sha256: string }[] = [];
    for (const step of ops) {
      if (step.op === "open") {
        files.set(step.file, { writer: new ParquetFileWriter(step.path, step.schema, compressor), columns: step.columns, rows: [] });
        continue;
      }
      const file = files.get(step.file);
      if (!file) throw new Error(`row-group worker: no open file ${step.file}`);
      if (step.op === "row") file.rows.push(step.row);
      else if (step.op === "flush") flush(file);
      else {
        flush(file);
        files.delete(step.file);
        finished.push({ file: step.file, ...file.writer.finish() });
      }
    }
    return finished;
  };
}

if (parentPort) {
  const port = parentPort;
  const apply = rowGroupApplier();
  let failed: string | null = null;
  port.on("message", ({ batch, ops }: RowGroupBatch) => {
    // After an error the files are in no known state: every later batch reports it too.
    if (failed !== null) return port.postMessage({ batch, error: failed } satisfies RowGroupReply);
    try {
      port.postMessage({ batch, finished: apply(ops) } satisfies RowGroupReply);
    } catch (error) {
      failed = error instanceof Error ? error.message : String(error);
      port.postMessage({ batch, error: failed } satisfies RowGroupReply);
    }
  });
}
