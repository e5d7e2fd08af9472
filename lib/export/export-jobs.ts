import "server-only";
import { mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import type PgBoss from "pg-boss";
import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit-entry";
import { env } from "@/lib/config/env";
import { ExportStatus } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { execute, queryRows, sql } from "@/lib/db/sql";
import { db } from "@/lib/db/prisma";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { buildExportPackage } from "@/lib/export/build-export";
import { buildVerifiedPackage } from "@/lib/verification/build-verified-export";
import { isVerifiedExportConfig, verifiedExportConfigSchema } from "@/lib/verification/verified-export-config";
import { configHash, exportConfigSchema, type ExportConfig, type ExportConfigInput } from "@/lib/export/export-config";
import { exportBuildJob } from "@/lib/jobs/jobs";
import { validateExportConfig } from "@/lib/export/validate-export-config";
import { logger } from "@/lib/logger";
import { safeName } from "@/lib/text/safe-text";

// The command line imports it from its own module: this one loads Prisma, pg-boss's jobs and the audit writer.
export { validateExportConfig };

const PROGRESS_WRITE_MS = 500;

/** Where published packages live: MEDPREF_HOME/exports/<id>/ (shared by web servers and workers). */
export function exportDirectory(exportId: string): string {
  return path.resolve(env().MEDPREF_HOME, "exports", exportId);
}

const defaultName = (c: ExportConfig) => `${c.projects.join("+")} · ${c.format} · ${c.strategy}`;

/** A person's name for an export; empty means the default name. */
const exportName = z.object({ name: safeName().max(200, "at most 200 characters") }).transform((v) => v.name);

/** Records an export (QUEUED) after checking its configuration, and queues its build. */
export async function createExport(
  boss: PgBoss,
  input: ExportConfigInput,
  options: { name?: string | null; actorId: string },
): Promise<string> {
  const config = await validateExportConfig(input);
  return queueExport(boss, {
    config,
    configHash: configHash(config),
    name: options.name,
    defaultName: defaultName(config),
    actorId: options.actorId,
  });
}

/**
 * Records an export (an `exports` row, QUEUED, with its audit entry) and queues its build: the one
 * way in for every kind of export, so the job, pages and download routes serve them all alike.
 */
export async function queueExport(
  boss: PgBoss,
  o: { config: object; configHash: string; name?: string | null; defaultName: string; actorId: string },
): Promise<string> {
  const name = exportName.parse({ name: o.name?.trim() ?? "" }) || o.defaultName;
  const created = await withTransaction(
    async (tx) => {
      const row = await tx.export.create({ data: { name, config: o.config, configHash: o.configHash, createdById: o.actorId } });
      await writeAudit(tx, {
        actorId: o.actorId,
        action: "export.create",
        entityType: "export",
        entityId: row.id,
        after: { name, config: o.config },
      });
      return row;
    },
    { via: "prisma" },
  );
  await enqueueExport(boss, created.id);
  return created.id;
}

/** Builds run in the worker: one job per export, its id the export's id (enqueueing twice is harmless). */
async function enqueueExport(boss: PgBoss, exportId: string): Promise<void> {
  await exportBuildJob.send(boss, { exportId }, { id: exportId });
}

/**
 * Builds one export into `<id>.partial/`, then renames it to `<id>/` and marks it READY with its
 * files in one transaction: a failed or killed build never looks ready, and a retried job
 * starts again from an empty directory.
 */
export async function runExportBuild(exportId: string): Promise<void> {
  const row = await db().export.findUnique({ where: { id: exportId } });
  if (!row || row.status === "READY" || row.status === "FAILED") return;
  const final = exportDirectory(exportId);
  const partial = `${final}.partial`;
  await rm(partial, { recursive: true, force: true });
  await mkdir(partial, { recursive: true });
  await db().export.update({
    where: { id: exportId },
    data: { status: "RUNNING", startedAt: new Date(), progress: 0, rowsWritten: 0, error: null },
  });
  let lastWrite = 0;
  const onProgress = async (done: number, total: number, rowsWritten: number) => {
    if (Date.now() - lastWrite < PROGRESS_WRITE_MS && done < total) return;
    lastWrite = Date.now();
    // Published at 1 only with the files: building reaches 0.99 at most.
    const progress = total === 0 ? 0 : Math.min(0.99, done / total);
    await execute(
      pool(),
      sql`UPDATE exports SET progress = ${progress}, rows_written = ${rowsWritten} WHERE id = ${exportId} AND status = ${ExportStatus.RUNNING}`,
    );
  };
  try {
    // A verification set's benchmark package is an export too (its config has kind "verification").
    const manifest = isVerifiedExportConfig(row.config)
      ? await buildVerifiedPackage({
          config: verifiedExportConfigSchema.parse(row.config),
          directory: partial,
          onProgress: ({ pairsDone, pairsTotal, rowsWritten }) => onProgress(pairsDone, pairsTotal, rowsWritten),
        })
      : await buildExportPackage({
          config: exportConfigSchema.parse(row.config),
          directory: partial,
          onProgress: ({ promptsDone, promptsTotal, rowsWritten }) => onProgress(promptsDone, promptsTotal, rowsWritten),
        });
    await rm(final, { recursive: true, force: true });
    await rename(partial, final);
    await withTransaction(
      async (tx) => {
        await tx.exportFile.deleteMany({ where: { exportId } });
        await tx.exportFile.createMany({
          data: [...manifest.files.map((f) => ({ exportId, path: f.path, bytes: BigInt(f.bytes), sha256: f.sha256, rows: f.rows }))],
        });
        const rows = manifest.files.reduce((s, f) => s + f.rows, 0);
        await tx.export.update({
          where: { id: exportId },
          data: { status: "READY", progress: 1, rowsWritten: rows, manifest: JSON.parse(JSON.stringify(manifest)), finishedAt: new Date() },
        });
        await writeAudit(tx, {
          actorId: null,
          action: "export.ready",
          entityType: "export",
          entityId: exportId,
          after: { exportVersion: manifest.exportVersion, rows },
        });
      },
      { via: "prisma" },
    );
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    const message = error instanceof AppError ? error.message : `The build failed: ${(error as Error).message}`;
    logger[error instanceof AppError ? "warn" : "error"]({ err: error, exportId }, "export build failed");
    await db().export.update({ where: { id: exportId }, data: { status: "FAILED", error: message, finishedAt: new Date() } });
  }
}

/** Worker side: builds exports, and re-queues any left queued or running by a stopped worker. */
export async function registerExportWorker(boss: PgBoss): Promise<void> {
  await exportBuildJob.work(boss, ({ exportId }) => runExportBuild(exportId));
  const rows = await queryRows<{ id: string }>(
    pool(),
    sql`SELECT id FROM exports WHERE status IN (${ExportStatus.QUEUED}, ${ExportStatus.RUNNING})`,
  );
  for (const r of rows) await enqueueExport(boss, r.id);
}
