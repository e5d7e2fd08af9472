import "server-only";
import type pg from "pg";
import type { Prisma } from "@/generated/prisma/client";
import { pool } from "@/lib/db/pool";

/** A transaction on a pooled pg client: run `sql` statements on it (lib/db/sql.ts), COPY, cursors. */
export type Tx = pg.PoolClient;
/** A Prisma interactive transaction: typed CRUD through the generated client. */
export type PrismaTx = Prisma.TransactionClient;

export type IsolationLevel = "READ COMMITTED" | "REPEATABLE READ" | "SERIALIZABLE";

export interface TransactionOptions<Via extends "sql" | "prisma" = "sql"> {
  /** PostgreSQL's default (READ COMMITTED) unless given. */
  isolation?: IsolationLevel;
  readOnly?: boolean;
  /** "prisma" hands `fn` a Prisma transaction client instead of a pg client (same database transaction semantics). */
  via?: Via;
  /** With "prisma": how long the transaction may take (Prisma's default is 5 s; a pg transaction has no limit). */
  timeoutMs?: number;
  /**
   * With "sql" and REPEATABLE READ: a snapshot another open transaction exported (exportSnapshot), so
   * this one sees exactly its data, and reads of one consistent state can run on two connections at once.
   */
  snapshot?: string;
}

const PRISMA_ISOLATION: Record<IsolationLevel, Prisma.TransactionIsolationLevel> = {
  "READ COMMITTED": "ReadCommitted",
  "REPEATABLE READ": "RepeatableRead",
  SERIALIZABLE: "Serializable",
};

/** The BEGIN statement for the options (constant text: the isolation level is one of three literals). */
export function beginStatement(options: { isolation?: IsolationLevel; readOnly?: boolean } = {}): string {
  return ["BEGIN", options.isolation && `ISOLATION LEVEL ${options.isolation}`, options.readOnly && "READ ONLY"].filter(Boolean).join(" ");
}

/**
 * The one way to open a transaction: `fn` runs in it; committed if it returns, rolled back if it
 * throws. By default `fn` gets a pg client (SQL, COPY, cursors); with `via: "prisma"` it gets a
 * Prisma transaction client for typed CRUD. Either kind can write the audit log (lib/audit).
 */
export async function withTransaction<T, Via extends "sql" | "prisma" = "sql">(
  fn: (tx: Via extends "prisma" ? PrismaTx : Tx) => Promise<T>,
  options: TransactionOptions<Via> = {},
): Promise<T> {
  if (options.via === "prisma") {
    const run = fn as (tx: PrismaTx) => Promise<T>;
    const isolationLevel = options.isolation && PRISMA_ISOLATION[options.isolation];
    // Loaded here, not at the top: processes that only use SQL (the CLI's exports) never load Prisma's client (~0.8 s of CPU).
    const { db } = await import("@/lib/db/prisma");
    return db().$transaction(
      async (tx) => {
        if (options.readOnly) await tx.$executeRawUnsafe("SET TRANSACTION READ ONLY");
        return run(tx);
      },
      { ...(isolationLevel ? { isolationLevel } : {}), ...(options.timeoutMs ? { timeout: options.timeoutMs } : {}) },
    );
  }
  const run = fn as (tx: Tx) => Promise<T>;
  if (options.snapshot !== undefined && options.isolation !== "REPEATABLE READ" && options.isolation !== "SERIALIZABLE")
    throw new Error("a transaction on an exported snapshot must be REPEATABLE READ or SERIALIZABLE");
  const client = await pool().connect();
  try {
    await client.query(beginStatement(options));
    // Before any other statement of the transaction, as PostgreSQL requires.
    if (options.snapshot !== undefined) await client.query(`SET TRANSACTION SNAPSHOT ${client.escapeLiteral(options.snapshot)}`);
    const result = await run(client);
    await client.query("COMMIT");
    return result;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

/** The snapshot of a REPEATABLE READ transaction, for others to share (TransactionOptions.snapshot) while it stays open. */
export async function exportSnapshot(tx: Tx): Promise<string> {
  const { rows } = await tx.query<{ snapshot: string }>("SELECT pg_export_snapshot() AS snapshot");
  return rows[0]!.snapshot;
}
