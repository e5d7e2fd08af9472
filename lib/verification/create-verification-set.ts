import "server-only";
import { writeAudit } from "@/lib/audit/audit-entry";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { invalidInput } from "@/lib/errors/zod-problems";
import { canonicalJson } from "@/lib/export/export-config";
import { streamExportPrompts } from "@/lib/export/load-export-prompts";
import { judgeRunPairs, type CandidatePairForSet } from "@/lib/verification/candidate-pairs";
import { exportTestSplitPairs } from "@/lib/verification/export-source-pairs";
import { samplePairs } from "@/lib/verification/sample-pairs";
import { verificationConfigSchema, type VerificationConfig, type VerificationConfigInput } from "@/lib/verification/verification-config";

export interface CreatedVerificationSet {
  id: string;
  name: string;
  version: number;
  pairCount: number;
}

/**
 * Creates a verification set in a project: the source's pairs (a judge run's consensus binarised
 * by the strategy, or an export's test split), sampled, stored with their positions in one
 * transaction with its audit entry. A set never changes; the same name again makes the next version.
 */
export async function createVerificationSet(
  projectSlug: string,
  input: VerificationConfigInput,
  actorId: string | null,
): Promise<CreatedVerificationSet> {
  const parsed = verificationConfigSchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const config = parsed.data;
  const project = await withTransaction((tx) =>
    queryOne<{ id: string; slug: string }>(tx, sql`SELECT id, slug FROM projects WHERE slug = ${projectSlug}`),
  );
  if (!project) throw new AppError("NOT_FOUND", `No project "${projectSlug}".`, "project");
  const candidates = await sourcePairs(project, config);
  if (candidates.length === 0)
    throw new AppError(
      "INVALID_INPUT",
      `The source ${config.source.kind}:${config.source.id} gives no pairs in project "${project.slug}".`,
      "source",
    );
  const sampled = samplePairs(candidates, config.pairs, config.sampling, config.seed);
  return withTransaction(async (tx) => {
    // One writer per (project, name) at a time, so versions are consecutive.
    await execute(tx, sql`SELECT pg_advisory_xact_lock(hashtext(${`verification-set:${project.id}:${config.name}`}))`);
    const { version } = (await queryOne<{ version: number }>(
      tx,
      sql`SELECT coalesce(max(version), 0) + 1 AS version FROM verification_sets WHERE project_id = ${project.id} AND name = ${config.name}`,
    ))!;
    const stored = storedConfig(config);
    const { id } = (await queryOne<{ id: string }>(
      tx,
      sql`INSERT INTO verification_sets (project_id, name, version, judge_run_id, export_id, config, raters, agree, disputed, pair_count, created_by_id)
          VALUES (${project.id}, ${config.name}, ${version}, ${config.source.kind === "judge" ? config.source.id : null},
                  ${config.source.kind === "export" ? config.source.id : null}, ${canonicalJson(stored)}::jsonb, ${config.raters},
                  ${config.agree}, ${config.disputed}, ${sampled.length}, ${actorId})
          RETURNING id`,
    ))!;
    await insertPairs(tx, id, sampled);
    await writeAudit(tx, {
      actorId,
      action: "verification-set.create",
      entityType: "verification_set",
      entityId: id,
      after: { project: project.slug, name: config.name, version, pairs: sampled.length, config: stored },
    });
    return { id, name: config.name, version, pairCount: sampled.length };
  });
}

/** The options as stored with the set (and shown on its page and card). */
function storedConfig(config: VerificationConfig) {
  return {
    source: `${config.source.kind}:${config.source.id}`,
    pairs: config.pairs,
    strategy: config.strategy,
    sampling: config.sampling,
    raters: config.raters,
    agree: config.agree,
    seed: config.seed,
    disputed: config.disputed,
  };
}

async function sourcePairs(project: { id: string; slug: string }, config: VerificationConfig): Promise<CandidatePairForSet[]> {
  if (config.source.kind === "export") return exportTestSplitPairs(config.source.id, project);
  const runId = config.source.id;
  return withTransaction(
    async (tx) => {
      const run = await queryOne<{ projectId: string; kind: string }>(tx, sql`SELECT project_id, kind FROM judge_runs WHERE id = ${runId}`);
      if (!run || run.projectId !== project.id)
        throw new AppError("NOT_FOUND", `No judge run ${runId} in project "${project.slug}".`, "source");
      if (run.kind !== "JUDGE") throw new AppError("INVALID_INPUT", `Run ${runId} is a generation run, not a judge run.`, "source");
      const pairs: CandidatePairForSet[] = [];
      const scope = { projectId: project.id, projectSlug: project.slug, sourceDatasets: [], promptTypes: [] };
      for await (const prompt of streamExportPrompts(tx, scope)) pairs.push(...judgeRunPairs(prompt, runId, config.strategy, config.seed));
      return pairs;
    },
    { isolation: "REPEATABLE READ", readOnly: true },
  );
}

async function insertPairs(tx: Tx, setId: string, pairs: readonly CandidatePairForSet[]): Promise<void> {
  const rows = pairs.map((p, position) => ({
    position,
    prompt_id: p.promptId,
    chosen: p.chosenCompletionId,
    rejected: p.rejectedCompletionId,
    categories: p.categories,
    source: p.source,
    prompt_type: p.promptType,
    uncertainty: p.uncertainty,
    judge: p.judge,
  }));
  await execute(
    tx,
    sql`INSERT INTO verification_pairs (set_id, position, prompt_id, chosen_completion_id, rejected_completion_id, categories, source, prompt_type, uncertainty, judge)
        SELECT ${setId}, (r->>'position')::int, (r->>'prompt_id')::uuid, (r->>'chosen')::uuid, (r->>'rejected')::uuid,
               ARRAY(SELECT jsonb_array_elements_text(r->'categories')), r->>'source', r->>'prompt_type', (r->>'uncertainty')::float8, r->'judge'
          FROM jsonb_array_elements(${JSON.stringify(rows)}::jsonb) AS r`,
  );
}
