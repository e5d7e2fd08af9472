import "server-only";
import pg from "pg";
import { camelCase, type Sql } from "@/lib/db/sql";

/**
 * Runs `statement` on `client` and hands each row to `onRow` as it arrives, typed and camelCased
 * like queryRows (lib/db/sql.ts), instead of collecting them: the caller works on the first rows
 * while PostgreSQL still produces the rest. Resolves with the row count once all have been handed over.
 */
export function forEachRow<Row>(client: pg.PoolClient, statement: Sql, onRow: (row: Row) => void): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const rows = new pg.Query<Record<string, unknown>>(statement.text, [...statement.values]);
    let count = 0;
    let fields: (readonly [string, string])[] | null = null;
    let renamed = false;
    rows.on("row", (row: Record<string, unknown>, result?: pg.QueryResult) => {
      if (fields === null) {
        fields = (result?.fields ?? []).map((f) => [f.name, camelCase(f.name)] as const);
        renamed = fields.some(([column, field]) => column !== field);
      }
      count += 1;
      if (!renamed) return onRow(row as Row);
      const mapped: Record<string, unknown> = {};
      for (const [column, field] of fields) mapped[field] = row[column];
      onRow(mapped as Row);
    });
    rows.on("end", () => resolve(count));
    rows.on("error", reject);
    client.query(rows);
  });
}
