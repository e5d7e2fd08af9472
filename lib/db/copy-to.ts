import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";

/**
 * Up to 4 MB read ahead: PostgreSQL keeps producing while the consumer works on (or collects
 * garbage after) the values it has, instead of stalling on a full socket. Back-pressure comes from
 * the consumer: the socket is read as values are taken.
 */
export const COPY_READ_AHEAD_BYTES = 4 * 1024 * 1024;

/** The 11-byte signature, flags and header-extension length that open a binary COPY stream. */
const BINARY_SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");
const BINARY_HEADER_BYTES = BINARY_SIGNATURE.length + 8;

/**
 * Streams the values of a one-column `COPY (query) TO STDOUT (FORMAT binary)`, decoded as UTF-8
 * text: for `json` (and `text`) columns that is the value itself. Unlike the text format, nothing
 * is escaped: PostgreSQL does not double every backslash of the JSON (a scan of every byte there)
 * and the reader need not undo it (another copy of every document here). NULL is refused.
 */
export async function* copyTextValuesOut(client: pg.PoolClient | pg.Client, query: string): AsyncGenerator<string> {
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`, { highWaterMark: COPY_READ_AHEAD_BYTES }));
  let buffer: Buffer = Buffer.alloc(0);
  let at = 0;
  let headerRead = false;
  let ended = false;
  for await (const chunk of stream) {
    buffer = at < buffer.length ? Buffer.concat([buffer.subarray(at), chunk as Buffer]) : (chunk as Buffer);
    at = 0;
    if (!headerRead) {
      if (buffer.length < BINARY_HEADER_BYTES) continue;
      if (!buffer.subarray(0, BINARY_SIGNATURE.length).equals(BINARY_SIGNATURE)) throw new Error("COPY binary: bad signature");
      const extension = buffer.readUInt32BE(BINARY_SIGNATURE.length + 4);
      if (buffer.length < BINARY_HEADER_BYTES + extension) continue;
      at = BINARY_HEADER_BYTES + extension;
      headerRead = true;
    }
    // A tuple: int16 field count (−1 ends the stream), then per field int32 length (−1 is NULL) and its bytes.
    while (!ended && buffer.length - at >= 2) {
      const fields = buffer.readInt16BE(at);
      if (fields === -1) {
        // The stream still ends with CopyDone: read on to it, so the connection is left in step.
        ended = true;
        at = buffer.length;
        break;
      }
      if (fields !== 1) throw new Error(`COPY binary: expected one column, got ${fields}`);
      if (buffer.length - at < 6) break;
      const length = buffer.readInt32BE(at + 2);
      if (length < 0) throw new Error("COPY binary: unexpected NULL");
      if (buffer.length - at - 6 < length) break;
      yield buffer.toString("utf8", at + 6, at + 6 + length);
      at += 6 + length;
    }
  }
  if (!ended) throw new Error("COPY binary: the stream ended without its trailer");
}
