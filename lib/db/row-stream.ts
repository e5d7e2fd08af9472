import "server-only";
import pg from "pg";
import { camelCaseRows, type Sql } from "@/lib/db/sql";

/**
 * Runs `statement` on `client` and hands each row to `onRow` as it arrives, typed and camelCased
 * like queryRows (lib/db/sql.ts), instead of collecting them: the caller works on the first rows
 * while PostgreSQL still produces the rest. Resolves with the row count once all have been handed over.
 */
export function forEachRow<Row>(client: pg.PoolClient, statement: Sql, onRow: (row: Row) => void): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const rows = new pg.Query<Record<string, unknown>>(statement.text, [...statement.values]);
    let count = 0;
    let rename: ReturnType<typeof camelCaseRows> | undefined;
    rows.on("row", (row: Record<string, unknown>, result?: pg.QueryResult) => {
      // Fields are known from the first row on; null (no column to rename) is kept, not asked again.
      if (rename === undefined) rename = camelCaseRows(result?.fields ?? []);
      count += 1;
      onRow((rename ? rename(row) : row) as Row);
    });
    rows.on("end", () => resolve(count));
    rows.on("error", reject);
    client.query(rows);
  });
}
