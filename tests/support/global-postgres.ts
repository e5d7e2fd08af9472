import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { TestProject } from "vitest/node";
import { findFreePort, startOrAttachEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";
import { createScratchDatabase, dropScratchDatabase } from "@/lib/db/scratch-database";

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
  await dropScratchDatabase(serverUrl, TEMPLATE_DB);
  await migrate(await createScratchDatabase(serverUrl, TEMPLATE_DB));
  project.provide("pgServerUrl", serverUrl);
  return async () => {
    await stop();
    if (home) await fs.rm(home, { recursive: true, force: true });
  };
}
