import fs from "node:fs";
import pg from "pg";
import { E2E_STATE_FILE } from "./constants";

/** Reads the e2e database directly, to check what the app stored. */
export async function queryE2eDatabase<T extends pg.QueryResultRow>(sql: string, values: unknown[] = []): Promise<T[]> {
  const { databaseUrl } = JSON.parse(fs.readFileSync(E2E_STATE_FILE, "utf8")) as { databaseUrl: string };
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}
