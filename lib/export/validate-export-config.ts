import "server-only";
import { pool } from "@/lib/db/pool";
import { AppError } from "@/lib/errors/app-error";
import { fieldParts, zodProblems } from "@/lib/errors/zod-problems";
import { exportConfigSchema, type ExportConfig, type ExportConfigInput } from "@/lib/export/export-config";
import { resolveExport } from "@/lib/export/resolve-export";

/** Parses and checks a configuration against the database; throws an AppError naming the problem. */
export async function validateExportConfig(input: ExportConfigInput): Promise<ExportConfig> {
  const parsed = exportConfigSchema.safeParse(input);
  if (!parsed.success) {
    const problem = zodProblems(parsed.error, "config")[0]!;
    throw new AppError("INVALID_INPUT", problem.message, fieldParts(problem.field)[0]);
  }
  await resolveExport(pool(), parsed.data);
  return parsed.data;
}
