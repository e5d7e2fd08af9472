import { createHash } from "node:crypto";
import { z } from "zod";
import { canonicalJson, FILE_TYPES } from "@/lib/export/export-config";
import { safeName } from "@/lib/text/safe-text";

/**
 * The configuration of a verified (benchmark) export of a verification set, stored in the
 * `exports` row's config like any export's: `kind` tells it from the rankings exports, so the export
 * job, pages, progress and download routes serve both. Everything that decides the package's bytes
 * beyond the set's pairs and votes is here.
 */
export const verifiedExportConfigSchema = z.object({
  kind: z.literal("verification"),
  set: z.uuid("a verification set is named by its id"),
  fileType: z.enum(FILE_TYPES).default("jsonl"),
  license: safeName().trim().min(1).max(64).default("other"),
});

export type VerifiedExportConfig = z.output<typeof verifiedExportConfigSchema>;
export type VerifiedExportConfigInput = Omit<z.input<typeof verifiedExportConfigSchema>, "kind">;

/** Whether an export's stored config is a verification set's (the other exports' configs have no `kind`). */
export function isVerifiedExportConfig(config: unknown): boolean {
  return typeof config === "object" && config !== null && (config as { kind?: unknown }).kind === "verification";
}

/** The configuration's hash (the `exports.config_hash` column and the package's version), as the rankings exports' configHash. */
export const verifiedConfigHash = (config: VerifiedExportConfig): string =>
  createHash("sha256").update(canonicalJson(config)).digest("hex");
