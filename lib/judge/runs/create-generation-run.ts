import "server-only";
import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit-entry";
import { withTransaction } from "@/lib/db/transaction";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors/app-error";
import { endpointUnusableReason } from "@/lib/judge/endpoint-admin";
import { judgeRunInput, selectPrompts } from "@/lib/judge/runs/create-judge-run";
import { seededRandom, seededShuffle } from "@/lib/core/seeded-random";
import { safeText, safeName } from "@/lib/text/safe-text";

export const generatorModel = z.object({
  endpointId: z.uuid("choose an endpoint for every generator model"),
  model: safeName().trim().min(1, "name the model").max(200),
  temperature: z.coerce.number().min(0).max(2).default(0.7),
  maxTokens: z.coerce.number().int().min(1).max(64_000).default(1024),
  systemPrompt: safeText().max(20_000).default(""),
});
export type GeneratorModel = z.infer<typeof generatorModel>;

export const generationRunInput = judgeRunInput
  .pick({ projectSlug: true, name: true, maxConcurrency: true, budgetCalls: true, budgetTokens: true, budgetCostUsd: true, seed: true })
  .extend({
    targetCandidates: z.coerce.number().int().min(2).max(16).default(8),
    models: z
      .array(generatorModel)
      .min(1, "configure at least one generator model")
      .max(32)
      .refine(
        (ms) => new Set(ms.map((m) => m.model)).size === ms.length,
        "each model may appear once: a prompt holds one candidate per model",
      ),
    maxRepairs: z.coerce.number().int().min(0).max(5).default(2),
    filter: judgeRunInput.shape.filter,
  });
export type GenerationRunInput = z.input<typeof generationRunInput>;

/**
 * For each prompt, the generator models that fill it up to N: models it has no candidate from,
 * in a seeded order, as many as it lacks. A prompt that cannot reach N (too few distinct
 * models) gets what there is and is counted as short.
 */
export function planGeneration(prompts: { id: string; models: string[] }[], models: { model: string }[], target: number, seed: number) {
  const units: { promptId: string; modelIndex: number }[] = [];
  let short = 0;
  for (const p of prompts) {
    const missing = target - p.models.length;
    if (missing <= 0) continue;
    const free = models.map((m, i) => ({ m, i })).filter(({ m }) => !p.models.includes(m.model));
    const chosen = seededShuffle(free, seededRandom(`generate:${seed}:${p.id}`)).slice(0, missing);
    if (chosen.length < missing) short++;
    for (const { i } of chosen) units.push({ promptId: p.id, modelIndex: i });
  }
  return { units, short };
}

/**
 * Creates a generation run: prompts of the project (narrowed by the filter) that have fewer
 * than N candidates and no ranking yet (a ranking covers exactly the candidates it saw) get
 * completions from the configured models until they have N.
 */
export async function createGenerationRun(input: GenerationRunInput, actorId: string | null) {
  const data = generationRunInput.parse(input);
  const project = await db().project.findUnique({ where: { slug: data.projectSlug }, select: { id: true } });
  if (!project) throw new AppError("NOT_FOUND", `No project with the slug "${data.projectSlug}".`, "projectSlug");
  const endpoints = await db().llmEndpoint.findMany({
    where: { id: { in: [...new Set(data.models.map((m) => m.endpointId))] } },
    select: { id: true, name: true, apiKeyEnv: true, archivedAt: true },
  });
  for (const m of data.models) {
    const endpoint = endpoints.find((e) => e.id === m.endpointId);
    if (!endpoint) throw new AppError("INVALID_INPUT", `No such endpoint for the model "${m.model}".`, "models");
    // A run that cannot work (key variable not set, endpoint archived) is refused, not started to fail.
    const reason = endpointUnusableReason(endpoint);
    if (reason) throw new AppError("INVALID_INPUT", `${m.model}: ${reason}`, "models");
  }
  const candidateIds = await selectPrompts(project.id, data.filter, data.seed, { min: 0, max: data.targetCandidates - 1 });
  const rows = await queryRows<{ id: string; models: string[] }>(
    pool(),
    sql`SELECT p.id, coalesce(array_agg(c.model) FILTER (WHERE c.id IS NOT NULL), '{}') AS models
       FROM prompts p LEFT JOIN completions c ON c.prompt_id = p.id
      WHERE p.id = ANY(${candidateIds}::uuid[]) AND NOT EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = p.id)
      GROUP BY p.id ORDER BY p.id`,
  );
  const plan = planGeneration(rows, data.models, data.targetCandidates, data.seed);
  if (plan.units.length === 0)
    throw new AppError(
      "INVALID_INPUT",
      `No unranked prompt matching the filter has fewer than ${data.targetCandidates} candidates that these models could add to.`,
      "filter",
    );
  return withTransaction(
    async (tx) => {
      const run = await tx.judgeRun.create({
        data: {
          projectId: project.id,
          kind: "GENERATE",
          name: data.name,
          permutations: 1,
          maxConcurrency: data.maxConcurrency,
          maxRetries: data.maxRepairs,
          budgetCalls: data.budgetCalls,
          budgetTokens: data.budgetTokens === undefined ? undefined : BigInt(data.budgetTokens),
          budgetCostUsd: data.budgetCostUsd,
          seed: data.seed,
          filter: data.filter,
          config: { generation: 0, targetCandidates: data.targetCandidates, models: data.models },
          unitsTotal: plan.units.length,
          createdById: actorId,
        },
        select: { id: true },
      });
      await tx.$executeRaw`INSERT INTO judge_units (run_id, prompt_id, unit_index)
      SELECT ${run.id}::uuid, u.p, u.i FROM unnest(${plan.units.map((u) => u.promptId)}::uuid[], ${plan.units.map((u) => u.modelIndex)}::int[]) AS u(p, i)`;
      await writeAudit(tx, {
        actorId,
        action: "generation-run.create",
        entityType: "judge_run",
        entityId: run.id,
        after: { ...data, completions: plan.units.length },
      });
      return {
        id: run.id,
        prompts: new Set(plan.units.map((u) => u.promptId)).size,
        completions: plan.units.length,
        promptsShort: plan.short,
      };
    },
    { via: "prisma" },
  );
}
