import "server-only";
import { pool } from "@/lib/db/pool";
import { execute, sql } from "@/lib/db/sql";

/** Whether the database answers a trivial query (for load balancers' health checks). */
export async function databaseReachable(): Promise<boolean> {
  try {
    await execute(pool(), sql`SELECT 1`);
    return true;
  } catch {
    return false;
  }
}
