import "server-only";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { streamExportPrompts } from "@/lib/export/load-export-prompts";
import { projectCounts } from "@/lib/projects/project-counts";
import { promptJudgeUncertainty } from "@/lib/verification/candidate-pairs";

/**
 * Judge-uncertain queue order: for each project that asks for it, how unsure its latest judge run
 * (with rankings) is about each prompt's best candidate — position flips, the gap to the runner-up,
 * clinicians who disagree — stored for the claim to serve the least sure first. Recomputed by the
 * worker's maintenance when the project's ranking counts or its latest run changed (a revised
 * ranking alone waits for the next change). Returns the number of projects recomputed.
 */
export async function refreshQueuePriorities(): Promise<number> {
  const projects = await queryRows<{ id: string; slug: string; dataKey: string | null }>(
    pool(),
    sql`SELECT p.id, p.slug, r.data_key FROM projects p LEFT JOIN queue_priority_refreshes r ON r.project_id = p.id WHERE p.queue_order = 'judge-uncertain'`,
  );
  let refreshed = 0;
  for (const project of projects) {
    const run = await latestJudgeRun(project.id);
    const counts = [...(await projectCounts(project.id)).entries()].filter(([k]) => k.startsWith("rankings:")).sort();
    const dataKey = JSON.stringify([run, counts]);
    if (dataKey === project.dataKey) continue;
    await storePriorities(project, run, dataKey);
    refreshed++;
  }
  return refreshed;
}

async function latestJudgeRun(projectId: string): Promise<string | null> {
  const row = await queryOne<{ id: string }>(
    pool(),
    sql`SELECT r.id FROM judge_runs r WHERE r.project_id = ${projectId} AND r.kind = 'JUDGE'
          AND EXISTS (SELECT 1 FROM rankings k WHERE k.judge_run_id = r.id) ORDER BY r.created_at DESC, r.id LIMIT 1`,
  );
  return row?.id ?? null;
}

async function storePriorities(project: { id: string; slug: string }, run: string | null, dataKey: string): Promise<void> {
  const promptIds: string[] = [];
  const uncertainties: number[] = [];
  if (run) {
    await withTransaction(
      async (tx) => {
        const scope = { projectId: project.id, projectSlug: project.slug, sourceDatasets: [], promptTypes: [] };
        for await (const prompt of streamExportPrompts(tx, scope)) {
          const u = promptJudgeUncertainty(prompt, run);
          if (u === null) continue;
          promptIds.push(prompt.id);
          uncertainties.push(u);
        }
      },
      { isolation: "REPEATABLE READ", readOnly: true },
    );
  }
  await withTransaction(async (tx) => {
    await execute(tx, sql`DELETE FROM prompt_queue_priorities WHERE project_id = ${project.id}`);
    await execute(
      tx,
      sql`INSERT INTO prompt_queue_priorities (prompt_id, project_id, uncertainty)
          SELECT p, ${project.id}, u FROM unnest(${promptIds}::uuid[], ${uncertainties}::float8[]) AS t(p, u)`,
    );
    await execute(
      tx,
      sql`INSERT INTO queue_priority_refreshes (project_id, data_key, judge_run_id) VALUES (${project.id}, ${dataKey}, ${run})
          ON CONFLICT (project_id) DO UPDATE SET data_key = EXCLUDED.data_key, judge_run_id = EXCLUDED.judge_run_id, computed_at = now()`,
    );
  });
}
