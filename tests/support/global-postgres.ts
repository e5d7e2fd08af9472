import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { findFreePort, startOrAttachEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";

/**
 * Integration tests run against a real PostgreSQL: DATABASE_URL when set, otherwise an embedded
 * server in a temporary folder on a free port. A template database is migrated once; each test
 * file clones it (tests/support/test-database.ts).
 */
export const TEMPLATE_DB = "medpref_test_template";

declare module "vitest" {
  export interface ProvidedContext {
    pgServerUrl: string;
  }
}

export default async function setup(project: TestProject) {
  let serverUrl = process.env.DATABASE_URL;
  let stop = async () => undefined as void;
  let home: string | undefined;
  if (!serverUrl) {
    home = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-test-"));
    const server = await startOrAttachEmbeddedPostgres({ home, preferredPort: await findFreePort(), database: "postgres" });
    serverUrl = server.url;
    stop = server.stop;
  }
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  await migrate(withDatabase(serverUrl, TEMPLATE_DB));
  project.provide("pgServerUrl", serverUrl);
  return async () => {
    await stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
