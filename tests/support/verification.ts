import { expect } from "vitest";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { createVerificationSet } from "@/lib/verification/create-verification-set";
import type { VerificationConfigInput } from "@/lib/verification/verification-config";
import { importText, jsonl, makeProject } from "./fixtures";

export const VERIFICATION_MODELS = ["gpt-4", "llama-3", "mixtral", "qwen"];

export interface SeededVerificationSet {
  project: { id: string; slug: string };
  runId: string;
  setId: string;
  /** The set's pairs in position order, with the models of the judge's chosen and rejected completion. */
  pairs: {
    id: string;
    position: number;
    promptId: string;
    externalId: string;
    chosenModel: string;
    rejectedModel: string;
    categories: string[];
  }[];
}

/**
 * A project of `prompts` prompts (ids q0, q1 …) with one candidate per model, a judge's rankings
 * imported as a judge run (`judgeOrder(i)`: models best first; default: VERIFICATION_MODELS' order,
 * so gpt-4 is chosen and qwen rejected with best-worst), and a verification set made from that run.
 */
export async function seedVerificationSet(
  options: {
    prompts?: number;
    judgeOrder?: (i: number) => string[];
    set?: Partial<VerificationConfigInput>;
    /** Candidates' texts; default: longer for later models. */
    text?: (i: number, model: string, j: number) => string;
  } = {},
): Promise<SeededVerificationSet> {
  const prompts = options.prompts ?? 6;
  const project = await makeProject({ allowTies: true });
  const text = options.text ?? ((i: number, _model: string, j: number) => `Answer ${j} to question ${i}.${" More detail.".repeat(j)}`);
  await importText(
    project.id,
    jsonl(
      Array.from({ length: prompts }, (_, i) => ({
        id: `q${i}`,
        prompt: `Question ${i}: what is the first-line treatment?`,
        source: i % 2 ? "MedQA" : "PubMedQA",
        type: "exam",
        completions: VERIFICATION_MODELS.map((model, j) => ({ model, text: text(i, model, j) })),
      })),
    ),
  );
  const judgeOrder = options.judgeOrder ?? (() => VERIFICATION_MODELS);
  const imported = await importRankings({
    projectId: project.id,
    input: [Buffer.from(jsonl(Array.from({ length: prompts }, (_, i) => ({ prompt_id: `q${i}`, ranking: judgeOrder(i) }))))],
    fileName: "judge.jsonl",
    kind: "judge",
    annotator: "gpt-4o",
    actorId: null,
  });
  expect(imported).toMatchObject({ ok: true });
  const runId = imported.judgeRunIds[0]!;
  const created = await createVerificationSet(
    project.slug,
    { name: "Verified pairs", source: `judge:${runId}`, pairs: prompts, strategy: "best-worst", ...options.set },
    null,
  );
  return { project, runId, setId: created.id, pairs: await pairsOf(created.id) };
}

export async function pairsOf(setId: string): Promise<SeededVerificationSet["pairs"]> {
  return queryRows(
    pool(),
    sql`SELECT vp.id, vp.position, vp.prompt_id, p.external_id, c.model AS chosen_model, r.model AS rejected_model, vp.categories
          FROM verification_pairs vp
          JOIN prompts p ON p.id = vp.prompt_id
          JOIN completions c ON c.id = vp.chosen_completion_id
          JOIN completions r ON r.id = vp.rejected_completion_id
         WHERE vp.set_id = ${setId} ORDER BY vp.position`,
  );
}
