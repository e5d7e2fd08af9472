import "server-only";
import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit-entry";
import { withTransaction } from "@/lib/db/transaction";
import { db } from "@/lib/db/prisma";
import { RankingKind } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import { assertEndpointUsable } from "@/lib/judge/endpoint-admin";
import { asksForCritiques } from "@/lib/judge/judge-critiques";
import { currentTaxonomy } from "@/lib/critiques/project-taxonomy";
import { seededRandom, seededShuffle } from "@/lib/core/seeded-random";
import { safeText, safeName } from "@/lib/text/safe-text";

export const judgeRunInput = z.object({
  projectSlug: z.string().min(1),
  name: safeName().trim().min(1).max(200),
  endpointId: z.uuid("choose an endpoint"),
  model: safeName().trim().min(1, "name the model").max(200, "model names are at most 200 characters"),
  templateId: z.uuid("choose a template"),
  temperature: z.coerce.number().min(0).max(2).default(0),
  permutations: z.coerce.number().int().min(1).max(8).default(2),
  maxConcurrency: z.coerce.number().int().min(1).max(256).default(8),
  maxRepairs: z.coerce.number().int().min(0).max(5).default(2),
  budgetCalls: z.coerce.number().int().positive().optional(),
  budgetTokens: z.coerce.number().int().positive().optional(),
  budgetCostUsd: z.coerce.number().positive().optional(),
  seed: z.coerce.number().int().min(0).default(0),
  mode: z.enum(["REALTIME", "BATCH"]).default("REALTIME"),
  filter: z
    .object({
      sources: z.array(safeText()).optional(),
      types: z.array(safeText()).optional(),
      withoutHumanRankings: z.boolean().optional(),
      sample: z.coerce.number().int().positive().optional(),
    })
    .default({}),
});
export type JudgeRunInput = z.input<typeof judgeRunInput>;

export type PromptFilter = z.infer<typeof judgeRunInput>["filter"];

/**
 * The prompts a run covers: the project's, narrowed by the filter, then a seeded sample of S.
 * `candidates` bounds how many candidates a prompt must have (a pairwise run takes exactly 2).
 */
export async function selectPrompts(
  projectId: string,
  filter: PromptFilter,
  seed: number,
  candidates: { min: number; max: number } = { min: 2, max: 64 },
): Promise<string[]> {
  const sources = filter.sources?.length ? filter.sources : null;
  const types = filter.types?.length ? filter.types : null;
  const rows = await queryRows<{ id: string }>(
    pool(),
    sql`SELECT p.id FROM prompts p
      WHERE p.project_id = ${projectId}
        AND (${sources}::text[] IS NULL OR p.source = ANY(${sources}::text[]))
        AND (${types}::text[] IS NULL OR p.prompt_type = ANY(${types}::text[]))
        AND (NOT ${Boolean(filter.withoutHumanRankings)} OR NOT EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = p.id AND r.kind = ${RankingKind.HUMAN}))
        AND (SELECT count(*) FROM completions c WHERE c.prompt_id = p.id) BETWEEN ${candidates.min} AND ${candidates.max}
      ORDER BY p.id`,
  );
  const ids = rows.map((r) => r.id);
  return filter.sample && filter.sample < ids.length
    ? seededShuffle(ids, seededRandom(`sample:${seed}`))
        .slice(0, filter.sample)
        .sort()
    : ids;
}

/** Creates a judge run (QUEUED) over the selected prompts; starting it enqueues its calls. */
export async function createJudgeRun(input: JudgeRunInput, actorId: string | null) {
  const data = judgeRunInput.parse(input);
  const project = await db().project.findUnique({ where: { slug: data.projectSlug }, select: { id: true } });
  if (!project) throw new AppError("NOT_FOUND", `No project with the slug "${data.projectSlug}".`, "projectSlug");
  // A run that cannot work (key variable not set, endpoint archived) is refused, not started to fail.
  const [endpoint, template] = await Promise.all([
    assertEndpointUsable(data.endpointId, "endpointId"),
    db().judgeTemplate.findUnique({ where: { id: data.templateId }, select: { id: true, style: true, userTemplate: true } }),
  ]);
  if (!template) throw new AppError("INVALID_INPUT", "No such template.", "templateId");
  if (data.mode === "BATCH" && !endpoint.supportsBatch)
    throw new AppError("INVALID_INPUT", "This endpoint does not support the Batch API; choose real-time mode or another endpoint.", "mode");
  // The pairwise A/B template compares two candidates: it judges the prompts that have exactly two.
  const pairwise = template.style === "PAIRWISE";
  const promptIds = await selectPrompts(project.id, data.filter, data.seed, pairwise ? { min: 2, max: 2 } : undefined);
  if (promptIds.length === 0) {
    throw new AppError(
      "INVALID_INPUT",
      pairwise
        ? "No prompt of this project matches the filter with exactly two candidates, as the pairwise template needs."
        : "No prompt of this project matches the filter.",
      "filter",
    );
  }
  // A template asking for critique spans asks in the project's taxonomy as it is now: every unit of
  // the run (and every Batch line rendered again later) shows the same tags, and its spans keep this version.
  const critiques = asksForCritiques(template.userTemplate)
    ? { critiqueTaxonomyVersion: (await currentTaxonomy(pool(), project.id)).version }
    : {};
  return withTransaction(
    async (tx) => {
      const run = await tx.judgeRun.create({
        data: {
          projectId: project.id,
          kind: "JUDGE",
          name: data.name,
          endpointId: data.endpointId,
          model: data.model,
          templateId: data.templateId,
          temperature: data.temperature,
          permutations: data.permutations,
          maxConcurrency: data.maxConcurrency,
          maxRetries: data.maxRepairs,
          budgetCalls: data.budgetCalls,
          budgetTokens: data.budgetTokens === undefined ? undefined : BigInt(data.budgetTokens),
          budgetCostUsd: data.budgetCostUsd,
          seed: data.seed,
          mode: data.mode,
          filter: data.filter,
          config: { generation: 0, ...critiques },
          unitsTotal: promptIds.length * data.permutations,
          createdById: actorId,
        },
        select: { id: true },
      });
      await tx.$executeRaw`INSERT INTO judge_units (run_id, prompt_id, unit_index)
      SELECT ${run.id}::uuid, p, u FROM unnest(${promptIds}::uuid[]) p, generate_series(0, ${data.permutations - 1}) u`;
      await writeAudit(tx, {
        actorId,
        action: "judge-run.create",
        entityType: "judge_run",
        entityId: run.id,
        after: { ...data, prompts: promptIds.length },
      });
      return { id: run.id, prompts: promptIds.length, calls: promptIds.length * data.permutations };
    },
    // 200,000 units take more than Prisma's default 5 s to insert on a busy machine.
    { via: "prisma", timeoutMs: 300_000 },
  );
}
