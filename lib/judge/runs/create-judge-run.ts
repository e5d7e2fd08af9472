import { z } from "zod";
import { recordAudit } from "@/lib/audit/audit-entry";
import { db } from "@/lib/db/prisma";
import { pool } from "@/lib/db/pool";
import { AppError } from "@/lib/errors/app-error";
import { seededRandom, seededShuffle } from "@/lib/judge/seeded-random";

export const judgeRunInput = z.object({
  projectSlug: z.string().min(1),
  name: z.string().trim().min(1).max(200),
  endpointId: z.uuid("choose an endpoint"),
  model: z.string().trim().min(1, "name the model"),
  templateId: z.uuid("choose a template"),
  temperature: z.coerce.number().min(0).max(2).default(0),
  permutations: z.coerce.number().int().min(1).max(8).default(2),
  maxConcurrency: z.coerce.number().int().min(1).max(256).default(8),
  maxRepairs: z.coerce.number().int().min(0).max(5).default(2),
  budgetCalls: z.coerce.number().int().positive().optional(),
  budgetTokens: z.coerce.number().int().positive().optional(),
  budgetCostUsd: z.coerce.number().positive().optional(),
  seed: z.coerce.number().int().min(0).default(0),
  filter: z
    .object({
      sources: z.array(z.string()).optional(),
      types: z.array(z.string()).optional(),
      withoutHumanRankings: z.boolean().optional(),
      sample: z.coerce.number().int().positive().optional(),
    })
    .default({}),
});
export type JudgeRunInput = z.input<typeof judgeRunInput>;

/** The prompts a run covers: the project's, narrowed by the filter, then a seeded sample of S. */
async function selectPrompts(projectId: string, filter: z.infer<typeof judgeRunInput>["filter"], seed: number): Promise<string[]> {
  const { rows } = await pool().query<{ id: string }>(
    `SELECT p.id FROM prompts p
      WHERE p.project_id = $1
        AND ($2::text[] IS NULL OR p.source = ANY($2))
        AND ($3::text[] IS NULL OR p.prompt_type = ANY($3))
        AND (NOT $4 OR NOT EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = p.id AND r.kind = 'HUMAN'))
        AND (SELECT count(*) FROM completions c WHERE c.prompt_id = p.id) >= 2
      ORDER BY p.id`,
    [projectId, filter.sources?.length ? filter.sources : null, filter.types?.length ? filter.types : null, Boolean(filter.withoutHumanRankings)],
  );
  const ids = rows.map((r) => r.id);
  return filter.sample && filter.sample < ids.length ? seededShuffle(ids, seededRandom(`sample:${seed}`)).slice(0, filter.sample).sort() : ids;
}

/** Creates a judge run (QUEUED) over the selected prompts; starting it enqueues its calls. */
export async function createJudgeRun(input: JudgeRunInput, actorId: string | null) {
  const data = judgeRunInput.parse(input);
  const project = await db().project.findUnique({ where: { slug: data.projectSlug }, select: { id: true } });
  if (!project) throw new AppError("NOT_FOUND", `No project with the slug "${data.projectSlug}".`, "projectSlug");
  const [endpoint, template] = await Promise.all([
    db().llmEndpoint.findUnique({ where: { id: data.endpointId }, select: { id: true } }),
    db().judgeTemplate.findUnique({ where: { id: data.templateId }, select: { id: true, style: true } }),
  ]);
  if (!endpoint) throw new AppError("INVALID_INPUT", "No such endpoint.", "endpointId");
  if (!template) throw new AppError("INVALID_INPUT", "No such template.", "templateId");
  if (template.style !== "LISTWISE") throw new AppError("INVALID_INPUT", "Runs over all candidates need a listwise template.", "templateId");
  const promptIds = await selectPrompts(project.id, data.filter, data.seed);
  if (promptIds.length === 0) throw new AppError("INVALID_INPUT", "No prompt of this project matches the filter.", "filter");
  return db().$transaction(async (tx) => {
    const run = await tx.judgeRun.create({
      data: {
        projectId: project.id, kind: "JUDGE", name: data.name, endpointId: data.endpointId, model: data.model, templateId: data.templateId,
        temperature: data.temperature, permutations: data.permutations, maxConcurrency: data.maxConcurrency, maxRetries: data.maxRepairs,
        budgetCalls: data.budgetCalls, budgetTokens: data.budgetTokens === undefined ? undefined : BigInt(data.budgetTokens), budgetCostUsd: data.budgetCostUsd,
        seed: data.seed, filter: data.filter, config: { promptIds, generation: 0 }, createdById: actorId,
      },
      select: { id: true },
    });
    await recordAudit(tx, { actorId, action: "judge-run.create", entityType: "judge_run", entityId: run.id, after: { ...data, prompts: promptIds.length } });
    return { id: run.id, prompts: promptIds.length, calls: promptIds.length * data.permutations };
  });
}
