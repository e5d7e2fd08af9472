import type { NormalizeResult } from "@/lib/import/formats/common";
import { normalizeMedPrefRecord } from "@/lib/import/formats/medpref-jsonl";
import { normalizeUltraFeedback } from "@/lib/import/formats/ultrafeedback";
import { normalizeUltraMedical } from "@/lib/import/formats/ultramedical";
import type { ImportFormat } from "@/lib/import/types";

export const normalizers: Record<ImportFormat, (raw: unknown) => NormalizeResult> = {
  ultramedical: normalizeUltraMedical,
  ultrafeedback: normalizeUltraFeedback,
  jsonl: normalizeMedPrefRecord,
};

/** Tells the format from one record's keys; undefined when no format fits. */
export function detectFormat(record: unknown): ImportFormat | undefined {
  if (typeof record !== "object" || record === null || Array.isArray(record)) return undefined;
  const has = (k: string) => k in record;
  if (has("conversations") || has("model_outputs")) return "ultramedical";
  if (has("instruction")) return "ultrafeedback";
  if (has("prompt") || has("messages") || has("completions")) return "jsonl";
  return undefined;
}

export type { NormalizeResult };
