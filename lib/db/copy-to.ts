import { StringDecoder } from "node:string_decoder";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";

const READ_AHEAD_BYTES = 4 * 1024 * 1024;

/**
 * Streams the lines of `COPY (query) TO STDOUT` (text format) from a client, decoded, without
 * the trailing newline. Back-pressure comes from the consumer: the socket is read as lines are taken.
 */
export async function* copyLinesOut(client: pg.PoolClient | pg.Client, query: string): AsyncGenerator<string> {
  // Up to 4 MB read ahead: PostgreSQL keeps producing while the consumer works on (or collects
  // garbage after) the lines it has, instead of stalling on a full socket.
  const stream = client.query(copyTo(`COPY (${query}) TO STDOUT`, { highWaterMark: READ_AHEAD_BYTES }));
  const decoder = new StringDecoder("utf8");
  let rest = "";
  for await (const chunk of stream) {
    const text = rest + decoder.write(chunk as Buffer);
    let start = 0;
    let end: number;
    while ((end = text.indexOf("\n", start)) !== -1) {
      yield text.slice(start, end);
      start = end + 1;
    }
    rest = text.slice(start);
  }
  rest += decoder.end();
  if (rest) yield rest;
}

/**
 * A COPY text-format field holding JSON: PostgreSQL's JSON never contains raw control
 * characters, so the only escape COPY adds is the doubled backslash.
 */
export const parseCopiedJson = <T>(line: string): T => JSON.parse(line.replaceAll("\\\\", "\\")) as T;
