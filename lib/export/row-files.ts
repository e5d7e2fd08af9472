import { createHash } from "node:crypto";
import { createReadStream, createWriteStream, type WriteStream } from "node:fs";
import { once } from "node:events";
import type { SchemaElement } from "hyparquet";
import { jsonRowSerializer, type Column, type ColumnType } from "@/lib/export/columns";
import { RowGroupEncoder } from "@/lib/export/row-group-encoder";

export interface WrittenFile {
  rows: number;
  bytes: number;
  sha256: string;
}

/** A file of rows of one column layout, written as they come (memory bounded by a row group). */
export interface RowFile {
  write(row: Record<string, unknown>): Promise<void>;
  close(): Promise<WrittenFile>;
}

/**
 * Parquet row groups hold at most this many rows, or about this many bytes of text. Rows wait in
 * memory for their row group, so fewer of them outlive a young-generation collection: 750 rather
 * than 2,000 took a kto export of 20k prompts from 13.6 to 11.8 s CPU and 230 to 197 MB peak RSS.
 */
export const PARQUET_ROW_GROUP_ROWS = 750;
const PARQUET_ROW_GROUP_TEXT_BYTES = 4 * 1024 * 1024;
/**
 * Rows buffered for row groups across all Parquet files of a package (h4 writes three splits and
 * up to four categories at once): past this, the fullest buffer is written out. Encoding a row
 * group costs a few times its text, so this bounds the export's memory whatever its size
 * (measured: 16 MB per file let h4, rankings and rm all-pairs exports peak above 300 MB).
 */
const PARQUET_PACKAGE_TEXT_BYTES = 8 * 1024 * 1024;
/** Below V8's large-object size (128 KB): bigger strings are allocated and collected as large objects, at several times the cost. */
const JSONL_CHUNK_CHARS = 1 << 16;

export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

async function writeChunk(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, "drain");
}

/** A row's JSON line. */
export type RowSerializer = (row: Record<string, unknown>) => string;

/**
 * Serializes rows, remembering the last one: an h4 row goes to its split's prefs and sft files
 * and a categorized pair to its category's file too, the same object each time, serialized once.
 */
export function lastRowSerializer(columns: readonly Column[]): RowSerializer {
  const serialize = jsonRowSerializer(columns);
  let lastRow: Record<string, unknown> | null = null;
  let lastLine = "";
  return (row) => {
    if (row !== lastRow) {
      lastLine = serialize(row);
      lastRow = row;
    }
    return lastLine;
  };
}

export function openJsonlFile(path: string, columns: readonly Column[], serialize: RowSerializer = lastRowSerializer(columns)): RowFile {
  const stream = createWriteStream(path);
  const hash = createHash("sha256");
  let pending = "";
  let rows = 0;
  let bytes = 0;
  const flush = async () => {
    if (!pending) return;
    const buffer = Buffer.from(pending, "utf8");
    pending = "";
    hash.update(buffer);
    bytes += buffer.length;
    await writeChunk(stream, buffer as unknown as string);
  };
  return {
    async write(row) {
      pending += serialize(row) + "\n";
      rows += 1;
      if (pending.length >= JSONL_CHUNK_CHARS) await flush();
    },
    async close() {
      await flush();
      stream.end();
      await once(stream, "finish");
      return { rows, bytes, sha256: hash.digest("hex") };
    },
  };
}

function schemaElements(column: Column): SchemaElement[] {
  return elementsFor(column.name, column.type, column.nullable ? "OPTIONAL" : "REQUIRED");
}

function elementsFor(name: string, type: ColumnType, repetition_type: "REQUIRED" | "OPTIONAL"): SchemaElement[] {
  switch (type.kind) {
    case "string":
      return [{ name, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" }, repetition_type }];
    case "double":
      return [{ name, type: "DOUBLE", repetition_type }];
    case "int":
      return [{ name, type: "INT32", repetition_type }];
    case "bool":
      return [{ name, type: "BOOLEAN", repetition_type }];
    case "list":
      // The standard three-level LIST, which pyarrow, DuckDB and datasets read as list<…>.
      return [
        { name, repetition_type, converted_type: "LIST", logical_type: { type: "LIST" }, num_children: 1 },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        ...elementsFor("element", type.of, type.nullableElements ? "OPTIONAL" : "REQUIRED"),
      ];
    case "struct":
      return [{ name, repetition_type, num_children: type.fields.length }, ...type.fields.flatMap((f) => schemaElements(f))];
  }
}

/**
 * What a row weighs in a row-group buffer: its strings' lengths, 8 for any other value. Plain loops
 * (no Object.values array and reduce callbacks per object): it visits every value of every row.
 */
function textBytes(value: unknown): number {
  if (typeof value === "string") return value.length;
  if (value === null || typeof value !== "object") return 8;
  let bytes = 0;
  if (Array.isArray(value)) for (let i = 0; i < value.length; i++) bytes += textBytes(value[i]);
  else for (const key in value) bytes += textBytes((value as Record<string, unknown>)[key]);
  return bytes;
}

interface BufferedRowGroup {
  bufferedBytes: number;
  flush(): void;
}

/**
 * The rows waiting in the row-group buffers of a package's Parquet files, kept under one limit, and
 * the worker that encodes their row groups (lib/export/row-group-encoder.ts), started with the first
 * file and stopped when the last one is closed (or by dispose, when the export fails).
 */
export class ParquetBuffers {
  private readonly files = new Set<BufferedRowGroup>();
  private rowGroupEncoder: RowGroupEncoder | null = null;
  private lastRow: Record<string, unknown> | null = null;
  private lastRowBytes = 0;
  constructor(private readonly limitBytes = PARQUET_PACKAGE_TEXT_BYTES) {}

  /** A row's textBytes, the last row's remembered: h4 writes one row object to its prefs, sft and category files. */
  rowBytes(row: Record<string, unknown>): number {
    if (row !== this.lastRow) {
      this.lastRowBytes = textBytes(row);
      this.lastRow = row;
    }
    return this.lastRowBytes;
  }

  get encoder(): RowGroupEncoder {
    return (this.rowGroupEncoder ??= new RowGroupEncoder());
  }

  add(file: BufferedRowGroup) {
    this.files.add(file);
  }

  remove(file: BufferedRowGroup) {
    this.files.delete(file);
    if (this.files.size === 0) this.dispose();
  }

  /** Stops the worker; a file opened later starts another. */
  dispose() {
    this.rowGroupEncoder?.terminate();
    this.rowGroupEncoder = null;
  }

  /**
   * Writes out the fullest buffers until the total is under the limit, each with the buffers as full
   * as it: those hold the same rows (h4's prefs and sft), whose pages are then compressed once. Then
   * sends what the worker is due.
   */
  async settle(): Promise<void> {
    for (;;) {
      let total = 0;
      let fullest: BufferedRowGroup | null = null;
      for (const f of this.files) {
        total += f.bufferedBytes;
        if (!fullest || f.bufferedBytes > fullest.bufferedBytes) fullest = f;
      }
      if (total < this.limitBytes || !fullest || fullest.bufferedBytes === 0) break;
      const bytes = fullest.bufferedBytes;
      for (const f of [...this.files]) if (f.bufferedBytes === bytes) f.flush();
    }
    await this.rowGroupEncoder?.send();
  }
}

/** The Parquet schema of rows of these columns. */
export function parquetSchema(columns: readonly Column[]): SchemaElement[] {
  return [{ name: "schema", num_children: columns.length }, ...columns.flatMap((c) => schemaElements(c))];
}

/** A Parquet file whose row groups the package's worker encodes; the row-group decisions (and so the bytes) are this thread's. */
export function openParquetFile(path: string, columns: readonly Column[], buffers = new ParquetBuffers()): RowFile {
  const encoder = buffers.encoder;
  const file = encoder.open(
    path,
    parquetSchema(columns),
    columns.map((c) => c.name),
  );
  let bufferedRows = 0;
  let rows = 0;
  const group: BufferedRowGroup = {
    bufferedBytes: 0,
    flush() {
      if (bufferedRows === 0) return;
      encoder.flush(file);
      bufferedRows = 0;
      group.bufferedBytes = 0;
    },
  };
  buffers.add(group);
  return {
    async write(row) {
      const bytes = buffers.rowBytes(row);
      encoder.row(file, row, bytes);
      bufferedRows += 1;
      group.bufferedBytes += bytes;
      rows += 1;
      // The package's limit is kept between prompts (ParquetBuffers.settle), when files that take the same rows have all had them.
      if (bufferedRows >= PARQUET_ROW_GROUP_ROWS || group.bufferedBytes >= PARQUET_ROW_GROUP_TEXT_BYTES) {
        group.flush();
        await encoder.send();
      }
    },
    async close() {
      if (rows === 0) {
        buffers.remove(group);
        throw new Error(`${path}: a Parquet file without rows is not written (readers refuse its empty row-group list)`);
      }
      group.flush();
      try {
        const { bytes, sha256 } = await encoder.finish(file);
        return { rows, bytes, sha256 };
      } finally {
        buffers.remove(group);
      }
    },
  };
}

/** `shared`: what the files of one package share (the Parquet buffers' limit, JSONL's serializer of the last row). */
export function openRowFile(
  fileType: "jsonl" | "parquet",
  path: string,
  columns: readonly Column[],
  shared: { buffers?: ParquetBuffers; serialize?: RowSerializer } = {},
): RowFile {
  return fileType === "jsonl" ? openJsonlFile(path, columns, shared.serialize) : openParquetFile(path, columns, shared.buffers);
}
