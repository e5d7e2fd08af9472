import "server-only";
import path from "node:path";
import { env } from "@/lib/config/env";
import { startOrAttachEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";
import { closePool } from "@/lib/db/pool";
import { disconnectPrisma } from "@/lib/db/prisma";

export interface DatabaseConnection {
  url: string;
  embedded: boolean;
  /** Closes this process's connections and, if this process started the embedded server, stops it. */
  close(): Promise<void>;
}

/**
 * Start-up for every MedPref process: DATABASE_URL when set, otherwise the embedded PostgreSQL
 * under MEDPREF_HOME (started if no other process has). Then applies pending migrations.
 */
export async function connectDatabase(options: { migrate?: boolean; log?: (m: string) => void } = {}): Promise<DatabaseConnection> {
  const e = env();
  let embedded: EmbeddedDatabase | undefined;
  let url = e.DATABASE_URL;
  if (!url) {
    embedded = await startOrAttachEmbeddedPostgres({
      home: path.resolve(e.MEDPREF_HOME),
      preferredPort: e.MEDPREF_PG_PORT,
      log: options.log,
    });
    url = embedded.url;
    process.env.MEDPREF_DATABASE_URL = url;
  }
  if (options.migrate !== false) await migrate(url);
  const server = embedded;
  return {
    url,
    embedded: Boolean(server),
    close: async () => {
      await disconnectPrisma();
      await closePool();
      await server?.stop();
    },
  };
}
