import fs from "node:fs";
import { CLI_IMPORT_HINTS } from "@/lib/cli/import-hints";
import { createProject } from "@/lib/projects/create-project";
import { importPrompts, type ImportOptions } from "@/lib/import/import-prompts";
import { DEFAULT_IMPORT_LIMITS } from "@/lib/import/types";
import { randomBytes } from "node:crypto";

export const ULTRAMEDICAL_DIR = new URL("../../../shared/fixtures/ultramedical/", import.meta.url).pathname;
export const HAS_SHARED_FIXTURES = fs.existsSync(ULTRAMEDICAL_DIR);
if (!HAS_SHARED_FIXTURES) {
  console.warn(
    `[skip] ../shared/fixtures/ultramedical is absent (looked in ${ULTRAMEDICAL_DIR}): the tests on real UltraMedical files are skipped.`,
  );
}

export async function makeProject(overrides: { slug?: string; overlapK?: number; allowTies?: boolean } = {}) {
  return createProject(
    {
      slug: overrides.slug ?? `p-${randomBytes(4).toString("hex")}`,
      name: "Test project",
      overlapK: overrides.overlapK,
      allowTies: overrides.allowTies,
    },
    null,
  );
}

/** Imports an in-memory file through the real import path. */
export function importText(projectId: string, text: string | Buffer, options: Partial<ImportOptions> = {}) {
  return importPrompts({
    projectId,
    input: [Buffer.isBuffer(text) ? text : Buffer.from(text)],
    fileName: "test.jsonl",
    bytesTotal: Buffer.byteLength(text),
    format: "auto",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
    hints: CLI_IMPORT_HINTS,
    ...options,
  });
}

export function importFile(projectId: string, file: string, options: Partial<ImportOptions> = {}) {
  return importPrompts({
    projectId,
    input: fs.createReadStream(file),
    fileName: file,
    bytesTotal: fs.statSync(file).size,
    format: "auto",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
    hints: CLI_IMPORT_HINTS,
    ...options,
  });
}

/** A MedPref JSONL record with n candidates. */
export function record(i: number, n = 3, extra: Record<string, unknown> = {}) {
  return {
    id: `q${i}`,
    prompt: `Question number ${i}: what is the treatment?`,
    completions: Array.from({ length: n }, (_, j) => ({ model: `model-${j}`, text: `Answer ${j} to question ${i}.` })),
    ...extra,
  };
}

export const jsonl = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n") + "\n";
