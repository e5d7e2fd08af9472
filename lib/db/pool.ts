import "server-only";
import pg from "pg";
import { env } from "@/lib/config/env";

/**
 * The one connection pool of a process. Prisma runs over it (through @prisma/adapter-pg) and the
 * bulk paths (COPY for import and export) borrow clients from it.
 */
const globalForPool = globalThis as unknown as { medprefPool?: pg.Pool };

export function databaseUrl(): string {
  const url = process.env.MEDPREF_DATABASE_URL || env().DATABASE_URL;
  if (!url) {
    throw new Error(
      "No database: call connectDatabase() at start-up (it starts or attaches to the embedded PostgreSQL), or set DATABASE_URL.",
    );
  }
  return url;
}

export function pool(): pg.Pool {
  if (!globalForPool.medprefPool) {
    const p = new pg.Pool({
      connectionString: databaseUrl(),
      max: env().MEDPREF_DB_POOL_MAX,
      // pg waits forever for a connection by default; a dead database must fail fast instead.
      connectionTimeoutMillis: env().MEDPREF_DB_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
    });
    // An idle client losing its connection must not crash the process.
    p.on("error", () => undefined);
    // Nor one checked out (pg-pool drops its own listener while a client is out): held between
    // queries, as a lock connection is, its connection ending (a database restart, a failover) would
    // be an unhandled 'error' event. Its next query fails instead, and release discards it.
    p.on("connect", (client) => client.on("error", () => undefined));
    globalForPool.medprefPool = p;
  }
  return globalForPool.medprefPool;
}

export async function closePool(): Promise<void> {
  const p = globalForPool.medprefPool;
  globalForPool.medprefPool = undefined;
  await p?.end();
}
