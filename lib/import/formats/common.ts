import { z } from "zod";
import type { Message } from "@/lib/core/messages";
import type { NormalizedPrompt } from "@/lib/import/types";
import type { FieldProblem } from "@/lib/import/validate-prompt";
import { zodProblems } from "@/lib/errors/zod-problems";

export type NormalizeResult = { ok: true; prompt: NormalizedPrompt } | { ok: false; problems: FieldProblem[] };

export const optionalText = z
  .string()
  .nullish()
  .transform((v) => v ?? null);
export const metadataObject = z.record(z.string(), z.unknown());
export const idLike = z
  .union([z.string(), z.number()])
  .nullish()
  .transform((v) => (v === null || v === undefined ? null : String(v)));

/** Parses with a zod schema and maps failures to field problems. */
export function parseWith<S extends z.ZodType, T>(
  schema: S,
  raw: unknown,
  build: (value: z.output<S>) => T,
): { ok: true; value: T } | { ok: false; problems: FieldProblem[] } {
  const parsed = schema.safeParse(raw);
  if (!parsed.success)
    // An issue about the record itself (not one of its fields) is named "(record)" next to the line number.
    return { ok: false, problems: zodProblems(parsed.error, "(record)").map((p) => ({ field: p.field, reason: p.message })) };
  return { ok: true, value: build(parsed.data) };
}

export const recordSchema = z.looseObject({});

const KNOWN_SOURCES: Record<string, string> = {
  medqa: "MedQA",
  medmcqa: "MedMCQA",
  pubmedqa: "PubMedQA",
  chatdoctor: "ChatDoctor",
  mmlu: "MMLU",
  "mmlu-medical": "MMLU",
  healthsearchqa: "HealthSearchQA",
  liveqa: "LiveQA",
  medicationqa: "MedicationQA",
  bioasq: "BioASQ",
};

/** Canonical spelling of well-known source datasets; other names pass through unchanged. */
export function canonicalSource(name: string | null): string | null {
  if (!name) return null;
  const trimmed = name.trim();
  return KNOWN_SOURCES[trimmed.toLowerCase()] ?? trimmed;
}

const KNOWN_TYPES: Record<string, string> = {
  mc: "exam",
  exam: "exam",
  "multiple-choice": "exam",
  "open-end": "open-ended",
  "open-ended": "open-ended",
  open: "open-ended",
  literature: "literature",
  dialogue: "dialogue",
};

export function canonicalPromptType(name: string | null): string | null {
  if (!name) return null;
  const trimmed = name.trim();
  return KNOWN_TYPES[trimmed.toLowerCase()] ?? trimmed.toLowerCase();
}

export function userPrompt(text: string): Message[] {
  return [{ role: "user", content: text }];
}
