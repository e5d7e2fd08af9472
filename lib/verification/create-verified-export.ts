import "server-only";
import type PgBoss from "pg-boss";
import { pool } from "@/lib/db/pool";
import { queryOne, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import { fieldParts, zodProblems } from "@/lib/errors/zod-problems";
import { queueExport } from "@/lib/export/export-jobs";
import {
  verifiedConfigHash,
  verifiedExportConfigSchema,
  type VerifiedExportConfig,
  type VerifiedExportConfigInput,
} from "@/lib/verification/verified-export-config";

/**
 * Checks a verified export's configuration: the set exists and has kept pairs (verified or
 * overturned); throws an AppError naming the field. Returns the parsed configuration and the set's name.
 */
export async function validateVerifiedExport(input: VerifiedExportConfigInput): Promise<{ config: VerifiedExportConfig; setName: string }> {
  const parsed = verifiedExportConfigSchema.safeParse({ ...input, kind: "verification" });
  if (!parsed.success) {
    const problem = zodProblems(parsed.error, "config")[0]!;
    throw new AppError("INVALID_INPUT", problem.message, fieldParts(problem.field)[0]);
  }
  const set = await queryOne<{ name: string; version: number; kept: number; pairs: number }>(
    pool(),
    sql`SELECT s.name, s.version, s.pair_count AS pairs,
               (SELECT count(*)::int FROM verification_pairs p WHERE p.set_id = s.id AND p.outcome IN ('VERIFIED', 'OVERTURNED')) AS kept
          FROM verification_sets s WHERE s.id = ${parsed.data.set}::uuid`,
  );
  if (!set) throw new AppError("INVALID_INPUT", `No verification set with the id ${parsed.data.set}.`, "set");
  if (set.kept === 0)
    throw new AppError(
      "INVALID_INPUT",
      `Nothing to export yet: none of the ${set.pairs} pairs of "${set.name}" v${set.version} is verified or overturned.`,
      "set",
    );
  return { config: parsed.data, setName: `${set.name} v${set.version}` };
}

/**
 * Records a verified benchmark export of a verification set (an `exports` row, QUEUED) and queues its
 * build: the export job, pages, progress and download routes serve it as any export.
 */
export async function createVerifiedExport(
  boss: PgBoss,
  input: VerifiedExportConfigInput,
  options: { name?: string | null; actorId: string },
): Promise<string> {
  const { config, setName } = await validateVerifiedExport(input);
  return queueExport(boss, {
    config,
    configHash: verifiedConfigHash(config),
    name: options.name,
    defaultName: `${setName} · verified benchmark`,
    actorId: options.actorId,
  });
}
