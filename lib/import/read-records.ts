import { Readable } from "node:stream";
import streamArray from "stream-json/streamers/stream-array.js";
import { AppError } from "@/lib/errors/app-error";
import { findUnsafeText, utf8TextOnly } from "@/lib/text/safe-text";

/**
 * Streams the records of a JSON array or JSON Lines file without holding the file in memory.
 * The container is told from the first non-blank character ("[" = JSON array, else JSONL).
 * A UTF-8 BOM, CRLF line ends and blank lines are tolerated. A file that is not UTF-8 text (binary,
 * NUL bytes, another encoding) stops the read with an AppError; a record holding a string that
 * cannot be stored (an escaped NUL, a lone surrogate) is reported with its field.
 */
export type RawRecord = { location: string; value: unknown } | { location: string; error: string; field?: string };

export interface ReadOptions {
  /** A record (JSONL line or array element) larger than this is reported, not parsed. */
  maxRecordBytes: number;
  /** Called with the number of bytes consumed so far. */
  onBytes?: (bytesRead: number) => void;
}

const NEWLINE = 0x0a;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

export async function* readRecords(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  options: ReadOptions,
): AsyncGenerator<RawRecord> {
  const chunks = countBytes(
    utf8TextOnly(input, (message) => new AppError("INVALID_INPUT", message, "file")),
    options.onBytes,
  );
  const head = await firstMeaningfulChunk(chunks);
  if (!head) return;
  if (head.firstChar === "[") {
    yield* readJsonArray(head.chunk, head.rest, options);
  } else {
    yield* readJsonLines(head.chunk, head.rest, options);
  }
}

async function* countBytes(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  onBytes?: (n: number) => void,
): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const c of input) {
    const buf = typeof c === "string" ? Buffer.from(c) : c;
    total += buf.length;
    onBytes?.(total);
    yield buf;
  }
}

/** Reads until the first non-whitespace byte; returns what was read (BOM stripped) and the rest. */
async function firstMeaningfulChunk(chunks: AsyncGenerator<Buffer>) {
  let head: Buffer = Buffer.alloc(0);
  for (;;) {
    const next = await chunks.next();
    if (next.done) return undefined;
    head = head.length ? Buffer.concat([head, next.value]) : next.value;
    if (head.length >= 3 && head.subarray(0, 3).equals(BOM)) head = head.subarray(3);
    const index = head.toString("latin1").search(/\S/);
    if (index >= 0) return { chunk: head, firstChar: String.fromCharCode(head[index] ?? 0), rest: chunks };
  }
}

async function* readJsonLines(head: Buffer, rest: AsyncGenerator<Buffer>, options: ReadOptions): AsyncGenerator<RawRecord> {
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let overLimit = false;
  let lineNo = 0;

  function* finishLine(tail: Buffer): Generator<RawRecord> {
    lineNo += 1;
    if (overLimit) {
      overLimit = false;
      pending = [];
      pendingBytes = 0;
      yield { location: `line ${lineNo}`, error: `record is larger than ${Math.round(options.maxRecordBytes / 1024)} KB` };
      return;
    }
    const line = (pending.length ? Buffer.concat([...pending, tail]) : tail).toString("utf8");
    pending = [];
    pendingBytes = 0;
    const trimmed = line.endsWith("\r") ? line.slice(0, -1) : line;
    if (trimmed.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(trimmed);
    } catch (e) {
      yield { location: `line ${lineNo}`, error: `malformed JSON: ${(e as Error).message}` };
      return;
    }
    yield checkedRecord(`line ${lineNo}`, value);
  }

  const consume = function* (chunk: Buffer): Generator<RawRecord> {
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      if (nl === -1) break;
      yield* finishLine(chunk.subarray(start, nl));
      start = nl + 1;
    }
    if (start < chunk.length) {
      const tail = chunk.subarray(start);
      if (overLimit) return;
      pendingBytes += tail.length;
      if (pendingBytes > options.maxRecordBytes) {
        overLimit = true;
        pending = [];
      } else {
        // Copy: the source may reuse its buffers.
        pending.push(Buffer.from(tail));
      }
    }
  };

  yield* consume(head);
  for await (const chunk of rest) yield* consume(chunk);
  if (pendingBytes > 0 || overLimit) yield* finishLine(Buffer.alloc(0));
}

async function* readJsonArray(head: Buffer, rest: AsyncGenerator<Buffer>, options: ReadOptions): AsyncGenerator<RawRecord> {
  const source = Readable.from(
    (async function* () {
      yield head;
      yield* rest;
    })(),
  );
  const parser = streamArray.withParserAsStream();
  source.on("error", (e) => parser.destroy(e));
  source.pipe(parser);
  let lastIndex = -1;
  try {
    for await (const item of parser as AsyncIterable<{ key: number; value: unknown }>) {
      lastIndex = item.key;
      const value = item.value;
      // A record's size is bounded like a JSONL line's (the parser has already assembled it).
      const size = approximateJsonBytes(value, options.maxRecordBytes);
      if (size > options.maxRecordBytes) {
        yield { location: `index ${item.key}`, error: `record is larger than ${Math.round(options.maxRecordBytes / 1024)} KB` };
        continue;
      }
      yield checkedRecord(`index ${item.key}`, value);
    }
  } catch (e) {
    if (e instanceof AppError) throw e;
    const message = (e as Error).message.replace(/^Parser cannot parse input: /, "");
    yield {
      location: `index ${lastIndex + 1}`,
      error: `malformed JSON at or after this record (the rest of the file cannot be read): ${message}`,
    };
  } finally {
    source.destroy();
  }
}

function checkedRecord(location: string, value: unknown): RawRecord {
  const unsafe = findUnsafeText(value);
  return unsafe ? { location, field: unsafe.field, error: unsafe.reason } : { location, value };
}

/** Sum of string lengths in a value, stopping early once over `cap`. */
function approximateJsonBytes(value: unknown, cap: number): number {
  let total = 0;
  const stack: unknown[] = [value];
  while (stack.length && total <= cap) {
    const v = stack.pop();
    if (typeof v === "string") total += v.length;
    else if (Array.isArray(v)) stack.push(...v);
    else if (v && typeof v === "object") {
      for (const [k, x] of Object.entries(v)) {
        total += k.length;
        stack.push(x);
      }
    } else total += 8;
  }
  return total;
}
