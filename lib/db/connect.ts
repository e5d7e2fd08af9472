import "server-only";
import path from "node:path";
import { env } from "@/lib/config/env";
import { startOrAttachEmbeddedPostgres, type EmbeddedDatabase } from "@/lib/db/embedded-postgres";
import { migrate } from "@/lib/db/migrate";
import { closePool } from "@/lib/db/pool";

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
      // Only a process that made Prisma's client has one to disconnect (lib/db/prisma keeps it on globalThis.medprefPrisma);
      // loading Prisma to find out costs ~0.8 s of CPU.
      if ((globalThis as { medprefPrisma?: unknown }).medprefPrisma) await (await import("@/lib/db/prisma")).disconnectPrisma();
      await closePool();
      await server?.stop();
    },
  };
}
