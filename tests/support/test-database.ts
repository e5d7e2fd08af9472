import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { closePool } from "@/lib/db/pool";
import { disconnectPrisma } from "@/lib/db/prisma";
import { TEMPLATE_DB, withDatabase } from "./global-postgres";

/** A fresh, migrated database for one test file; the app's pool and Prisma client point at it. */
export async function useFreshDatabase(options: { migrated?: boolean } = {}): Promise<string> {
  const server = inject("pgServerUrl");
  const name = `medpref_test_${randomBytes(6).toString("hex")}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    const sql = options.migrated === false ? `CREATE DATABASE ${name}` : `CREATE DATABASE ${name} TEMPLATE ${TEMPLATE_DB}`;
    // Two files cloning the template at the same instant can collide; the clone is retried.
    for (let attempt = 0; ; attempt++) {
      try {
        await admin.query(sql);
        break;
      } catch (e) {
        if (attempt >= 20 || !/being accessed by other users/.test((e as Error).message)) throw e;
        await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
      }
    }
  } finally {
    await admin.end();
  }
  await disconnectPrisma();
  await closePool();
  const url = withDatabase(server, name);
  process.env.MEDPREF_DATABASE_URL = url;
  return url;
}

/** The ../shared fixtures, when this checkout has them beside it. */
export const SHARED_FIXTURES = new URL("../../../shared/fixtures/ultramedical/", import.meta.url).pathname;
