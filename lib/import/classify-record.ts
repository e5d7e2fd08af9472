import { promptContentHash } from "@/lib/import/content-hash";
import { detectFormat, normalizers } from "@/lib/import/formats";
import type { RawRecord } from "@/lib/import/read-records";
import type { ImportFormat, ImportLimits, NormalizedPrompt } from "@/lib/import/types";
import { validateNormalizedPrompt, type FieldProblem } from "@/lib/import/validate-prompt";

/** What the import knows when the next record arrives. */
export interface ClassifyState {
  /** The file's format: chosen by the caller, or detected from the first readable record. */
  format: ImportFormat | null;
  /** Content hashes of the prompts already taken from this file. */
  seen: ReadonlySet<string>;
  /** False once the import is bound to fail (a bad record without skipInvalid): records are still validated, not taken. */
  writing: boolean;
  limits: ImportLimits;
  /** How the caller's user names the format, appended to the "cannot tell the format" problem. */
  howToChooseFormat: string;
}

/** What one record of a prompt file is, and the file's format after it (detected on the first readable record). */
export type RecordClass =
  | {
      kind: "invalid";
      format: ImportFormat | null;
      problems: FieldProblem[];
      /** The record as read (null when it could not be parsed), for the rejected-records report. */
      raw: unknown;
      /** The format cannot be told: no later record is read. */
      stopsImport: boolean;
    }
  | { kind: "valid-not-taken"; format: ImportFormat }
  | { kind: "repeated-in-file"; format: ImportFormat }
  | { kind: "prompt"; format: ImportFormat; prompt: NormalizedPrompt; hash: string };

/**
 * Classifies one record of a prompt file: unreadable or invalid (with every problem), a repeat of
 * a prompt earlier in the file, valid but not taken (the import will fail anyway), or a prompt to add.
 * Pure: the caller keeps the state.
 */
export function classifyRecord(record: RawRecord, state: ClassifyState): RecordClass {
  if ("error" in record) return invalid(state.format, [{ field: record.field ?? "(record)", reason: record.error }], null);
  const format = state.format ?? detectFormat(record.value) ?? null;
  if (!format) {
    const problems = [{ field: "(record)", reason: unknownFormatReason(state.howToChooseFormat) }];
    return { kind: "invalid", format: null, problems, raw: record.value, stopsImport: true };
  }
  const normalized = normalizers[format](record.value);
  if (!normalized.ok) return invalid(format, normalized.problems, record.value);
  const problems = validateNormalizedPrompt(normalized.prompt, state.limits);
  if (problems.length) return invalid(format, problems, record.value);
  if (!state.writing) return { kind: "valid-not-taken", format };
  const hash = promptContentHash(normalized.prompt.messages);
  if (state.seen.has(hash)) return { kind: "repeated-in-file", format };
  return { kind: "prompt", format, prompt: normalized.prompt, hash };
}

function invalid(format: ImportFormat | null, problems: FieldProblem[], raw: unknown): RecordClass {
  return { kind: "invalid", format, problems, raw, stopsImport: false };
}

const unknownFormatReason = (howToChooseFormat: string) =>
  `cannot tell the file format from this record: expected UltraMedical (conversations + model_outputs), UltraFeedback (instruction + completions) or MedPref JSONL (prompt or messages + completions); ${howToChooseFormat}`;
