import { randomUUID } from "node:crypto";
import type { ClaimUser } from "@/lib/annotation/claim-next-assignment";
import { pool } from "@/lib/db/pool";
import { createUser } from "@/lib/users/manage-users";
import { importText, jsonl, makeProject } from "./fixtures";

/** Model names no clinician response may contain (the blinding tests search for them). */
export const PAIR_MODELS = ["AlphaMed-7B", "BetaDoc-13B", "GammaCare-70B"] as const;

/**
 * A verification set planted with SQL until the lead's seedVerificationSet lands: a project with
 * `pairs` prompts of three candidates (PAIR_MODELS), a completed judge run, and one pair per prompt
 * in which the judge chose AlphaMed-7B over BetaDoc-13B.
 */
export async function plantPairSet(options: { pairs: number; raters: number; agree: number; projectSlug?: string }) {
  const project = options.projectSlug
    ? (await pool().query<{ id: string; slug: string }>(`SELECT id, slug FROM projects WHERE slug = $1`, [options.projectSlug])).rows[0]!
    : await makeProject();
  if (!options.projectSlug) {
    const records = Array.from({ length: options.pairs }, (_, i) => ({
      id: `vq${i}`,
      prompt: `Verification question ${i}: which dose is safe?`,
      completions: PAIR_MODELS.map((model, j) => ({ model, text: `Candidate text ${j} for question ${i}.` })),
    }));
    await importText(project.id, jsonl(records));
  }
  const { rows: run } = await pool().query<{ id: string }>(
    `INSERT INTO judge_runs (project_id, name, status, model) VALUES ($1, 'planted judge run', 'COMPLETED', 'judge-model') RETURNING id`,
    [project.id],
  );
  const { rows: set } = await pool().query<{ id: string }>(
    `INSERT INTO verification_sets (project_id, name, version, judge_run_id, config, raters, agree, disputed, pair_count)
     VALUES ($1, $2, 1, $3, '{}', $4, $5, 'exclude', $6) RETURNING id`,
    [project.id, `planted-${randomUUID().slice(0, 8)}`, run[0]!.id, options.raters, options.agree, options.pairs],
  );
  await pool().query(
    `INSERT INTO verification_pairs (set_id, position, prompt_id, chosen_completion_id, rejected_completion_id, categories, source, judge)
     SELECT $1, (row_number() OVER (ORDER BY p.external_id COLLATE "C"))::int - 1, p.id, ch.id, rj.id, ARRAY['hard'], 'planted',
            jsonb_build_object('runId', $2::text, 'chosen', ch.model, 'rejected', rj.model, 'positionConsistency', 1)
       FROM prompts p JOIN completions ch ON ch.prompt_id = p.id AND ch.model = $3 JOIN completions rj ON rj.prompt_id = p.id AND rj.model = $4
      WHERE p.project_id = $5`,
    [set[0]!.id, run[0]!.id, PAIR_MODELS[0], PAIR_MODELS[1], project.id],
  );
  const { rows: pairs } = await pool().query<{ id: string; position: number; promptId: string }>(
    `SELECT id, position, prompt_id AS "promptId" FROM verification_pairs WHERE set_id = $1 ORDER BY position`,
    [set[0]!.id],
  );
  return { project, setId: set[0]!.id, runId: run[0]!.id, pairs };
}

export async function pairClinicians(n: number, specialties: string[] = []): Promise<(ClaimUser & { email: string })[]> {
  return Promise.all(
    Array.from({ length: n }, async () => {
      const email = `v-${randomUUID()}@hospital.example`;
      const { user } = await createUser({ email, role: "clinician", specialties }, null);
      return { id: user.id, specialties: user.specialties, email };
    }),
  );
}

/** A pair assignment's pair and stored A/B order (what the test knows and the clinician does not). */
export async function assignmentTruth(assignmentId: string) {
  const { rows } = await pool().query<{ pairId: string; position: number; chosenShownFirst: boolean }>(
    `SELECT a.pair_id AS "pairId", v.position, a.chosen_shown_first AS "chosenShownFirst"
       FROM verification_assignments a JOIN verification_pairs v ON v.id = a.pair_id WHERE a.id = $1`,
    [assignmentId],
  );
  return rows[0]!;
}
