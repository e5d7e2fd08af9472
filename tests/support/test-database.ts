import { randomBytes } from "node:crypto";
import { inject } from "vitest";
import { closePool } from "@/lib/db/pool";
import { disconnectPrisma } from "@/lib/db/prisma";
import { createScratchDatabase } from "@/lib/db/scratch-database";
import { TEMPLATE_DB } from "./global-postgres";

/** A fresh, migrated database for one test file; the app's pool and Prisma client point at it. */
export async function useFreshDatabase(options: { migrated?: boolean } = {}): Promise<string> {
  const name = `medpref_test_${randomBytes(6).toString("hex")}`;
  const url = await createScratchDatabase(inject("pgServerUrl"), name, { template: options.migrated === false ? undefined : TEMPLATE_DB });
  await disconnectPrisma();
  await closePool();
  process.env.MEDPREF_DATABASE_URL = url;
  return url;
}
