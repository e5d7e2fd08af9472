import type pg from "pg";
import { pool } from "@/lib/db/pool";

export type Tx = pg.PoolClient;

/** Runs `fn` in one transaction on a pooled client: committed if it returns, rolled back if it throws. */
export async function withTransaction<T>(fn: (tx: Tx) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    const result = await fn(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
