import "server-only";
import PgBoss from "pg-boss";
import { databaseUrl } from "@/lib/db/pool";
import { logger } from "@/lib/logger";

/**
 * The one job queue: pg-boss in its own schema of the MedPref database, so any number of workers
 * on any number of machines share the work, and a job survives a crash of the worker running it.
 */
export const QUEUE_SCHEMA = "pgboss";

let boss: PgBoss | undefined;

export async function startQueue(): Promise<PgBoss> {
  if (boss) return boss;
  const role = process.env.MEDPREF_PROCESS ?? "worker";
  // The web server and the command line only enqueue: supervision (expiry, archiving) and cron belong to workers.
  const web = role === "web" || role === "cli";
  const instance = new PgBoss({
    connectionString: databaseUrl(),
    schema: QUEUE_SCHEMA,
    max: web ? 2 : 4,
    application_name: `medpref-${role}`,
    supervise: !web,
    schedule: !web,
  });
  instance.on("error", (error) => logger.error({ err: error }, "job queue error"));
  await instance.start();
  boss = instance;
  return instance;
}

export async function stopQueue(): Promise<void> {
  const b = boss;
  boss = undefined;
  await b?.stop({ graceful: true, timeout: 20_000, wait: true });
}
