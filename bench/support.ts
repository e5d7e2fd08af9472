import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { findFreePort, startOrAttachEmbeddedPostgres } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";
import { createScratchDatabase, dropScratchDatabase } from "@/lib/db/scratch-database";

/**
 * A throwaway, migrated database for a benchmark: a new database on DATABASE_URL's server, or
 * an embedded server in a temporary folder. Nothing of the developer's data is touched.
 */
export async function benchDatabase(
  options: {
    statementStats?: boolean;
    /** An embedded server's folder kept by an earlier run (`bench:scale --keep-database`): started again and migrated. */
    home?: string;
    /** Stop the embedded server but keep its folder (close() then prints nothing and removes nothing). */
    keep?: boolean;
  } = {},
): Promise<{ url: string; home: string | null; close(): Promise<void> }> {
  const serverUrl = process.env.DATABASE_URL;
  if (serverUrl && !options.home) {
    const name = `medpref_bench_${Date.now()}`;
    const url = await createScratchDatabase(serverUrl, name);
    await migrate(url);
    return { url, home: null, close: () => (options.keep ? Promise.resolve() : dropScratchDatabase(serverUrl, name)) };
  }
  const home = options.home ?? (await fs.mkdtemp(path.join(os.tmpdir(), "medpref-bench-")));
  await fs.chmod(home, 0o755);
  const server = await startOrAttachEmbeddedPostgres({
    home,
    preferredPort: await findFreePort(),
    extraFlags: options.statementStats ? ["-c", "shared_preload_libraries=pg_stat_statements", "-c", "pg_stat_statements.track=all"] : [],
  });
  await migrate(server.url);
  return {
    url: server.url,
    home,
    close: async () => {
      await server.stop();
      if (!options.keep) await fs.rm(home, { recursive: true, force: true });
    },
  };
}

/** `--name value` and `--flag` from argv. */
export function benchArgs(defaults: Record<string, string>): Record<string, string> & { json: boolean } {
  const out: Record<string, string> = { ...defaults };
  const argv = process.argv.slice(2);
  let json = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--json") json = true;
    else if (a.startsWith("--")) {
      const key = a.slice(2);
      const value = argv[i + 1];
      if (value === undefined || value.startsWith("--")) {
        out[key] = "true";
      } else {
        out[key] = value;
        i++;
      }
    }
  }
  return Object.assign(out, { json });
}
