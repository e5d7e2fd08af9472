// The background worker: `npm run worker` (also started by `npm start`). Several workers, on
// several machines, share the queue's jobs.
export {};
process.env.MEDPREF_PROCESS ??= "worker";
// Calls in flight hold no connection (their slots live on one shared lock connection) and their
// outcomes are written by group commit (a few transactions for many calls): a quarter of the
// concurrency plus a few covers the reads before each call, up to 32 (every connection is a
// PostgreSQL process, and opening one costs a SCRAM handshake).
process.env.MEDPREF_DB_POOL_MAX ??= String(Math.min(32, Math.ceil((Number(process.env.MEDPREF_WORKER_CONCURRENCY) || 16) / 4) + 6));

const { env, EnvError } = await import("@/lib/config/env");
try {
  env();
} catch (e) {
  process.stderr.write(`${e instanceof EnvError ? e.message : String(e)}\n`);
  process.exit(1);
}
const { connectDatabase } = await import("@/lib/db/connect");
const { startQueue, stopQueue } = await import("@/lib/jobs/queue");
const { registerMaintenance, runMaintenance } = await import("@/lib/jobs/maintenance");
const { registerAgreementRefresh } = await import("@/lib/jobs/agreement-refresh");
const { registerJudgeWorker } = await import("@/lib/judge/runs/judge-queue");
const { registerExportWorker } = await import("@/lib/export/export-jobs");
const { ensureBuiltInTemplates } = await import("@/lib/judge/judge-templates");
const { closeRunSlots } = await import("@/lib/judge/runs/run-slots");
const { logger } = await import("@/lib/logger");

const connection = await connectDatabase();
const boss = await startQueue();
await registerMaintenance(boss);
await registerAgreementRefresh(boss);
await registerExportWorker(boss);
await ensureBuiltInTemplates();
const stopReaper = await registerJudgeWorker(boss, env().MEDPREF_WORKER_CONCURRENCY);
await runMaintenance();
logger.info("worker started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "worker stopping");
  await stopReaper();
  await stopQueue().catch((e) => logger.error({ err: e }, "queue stop failed"));
  await closeRunSlots();
  await connection.close().catch(() => undefined);
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));
