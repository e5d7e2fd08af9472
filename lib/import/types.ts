import type { Message } from "@/lib/core/messages";

/** A prompt with its candidates, in MedPref's shape, whatever file it came from. */
export interface NormalizedPrompt {
  externalId: string | null;
  messages: Message[];
  referenceAnswer: string | null;
  source: string | null;
  promptType: string | null;
  tags: string[];
  metadata: Record<string, unknown>;
  completions: { model: string; text: string }[];
}

/** One problem of one record: where it is, which field, why. */
export interface RecordProblem {
  /** "line 12" (JSONL) or "index 3" (JSON array), or "file" for the file as a whole. */
  location: string;
  field: string;
  reason: string;
}

export const IMPORT_FORMATS = ["ultramedical", "ultrafeedback", "jsonl"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];
/** Each format as users read it (the upload form's choices). */
export const IMPORT_FORMAT_NAMES: Record<ImportFormat, string> = {
  ultramedical: "UltraMedical",
  ultrafeedback: "UltraFeedback",
  jsonl: "MedPref JSONL",
};

export interface ImportLimits {
  minCandidates: number;
  maxCandidates: number;
  /** Bytes (UTF-8) allowed in one completion, one message or the reference answer. */
  maxFieldBytes: number;
}

export const DEFAULT_IMPORT_LIMITS: ImportLimits = { minCandidates: 2, maxCandidates: 16, maxFieldBytes: 200 * 1024 };
