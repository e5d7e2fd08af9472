import { once } from "node:events";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";

/** Streams rows (already encoded as COPY text lines) into `table (columns)` on a client. */
export async function copyRowsInto(
  client: pg.PoolClient | pg.Client,
  table: string,
  columns: readonly string[],
  lines: Iterable<string>,
): Promise<void> {
  const sql = `COPY "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) FROM STDIN`;
  const stream = client.query(copyFrom(sql));
  const finished = new Promise<void>((resolve, reject) => {
    stream.on("finish", resolve);
    stream.on("error", reject);
  });
  let buffer = "";
  for (const line of lines) {
    buffer += line;
    // Write in ~64 KB pieces and respect back-pressure. Pieces stay below V8's large-object size
    // (128 KB): 1 MB strings went to the large-object space and tripled the import's garbage collection.
    if (buffer.length >= 1 << 16) {
      if (!stream.write(buffer)) await once(stream, "drain");
      buffer = "";
    }
  }
  stream.end(buffer);
  await finished;
}
