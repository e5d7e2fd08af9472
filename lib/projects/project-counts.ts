import "server-only";
import { pool } from "@/lib/db/pool";
import { execute, queryRows, sql, type Queryable } from "@/lib/db/sql";

/**
 * A project's counts by key ('prompts', 'completions', 'rankings:<kind>'): the sums of the delta
 * rows inserted with every write (migrations 20261130100853_project_counts and
 * 20261130125547_counts_without_assignments say who inserts which); zero counts are left out.
 */
export async function projectCounts(projectId: string): Promise<Map<string, number>> {
  const rows = await queryRows<{ key: string; n: number }>(
    pool(),
    sql`SELECT key, sum(n)::float8 AS n FROM project_counts WHERE project_id = ${projectId} GROUP BY key HAVING sum(n) <> 0`,
  );
  return new Map(rows.map((r) => [r.key, r.n]));
}

/** Adds imported prompts and completions to a project's counts, in the importing transaction (rankings are counted by a trigger). */
export async function addImportedCounts(
  client: Queryable,
  projectId: string,
  added: { prompts: number; completions: number },
): Promise<void> {
  await execute(
    client,
    sql`INSERT INTO project_counts (project_id, key, n) VALUES (${projectId}, 'prompts', ${added.prompts}), (${projectId}, 'completions', ${added.completions})`,
  );
}

/**
 * Folds each project's delta rows into one row per key (maintenance), so reads sum a few rows.
 * One statement: deltas committed meanwhile are new rows, either folded here or left for next time;
 * an open transaction's deltas are invisible to it and stay. Rows of a deleted project (a delta
 * committed while it was being deleted) go. Returns the rows removed.
 */
export async function foldProjectCounts(): Promise<number> {
  const [folded] = await queryRows<{ removed: number }>(
    pool(),
    sql`WITH gone AS (DELETE FROM project_counts RETURNING project_id, key, n),
             kept AS (INSERT INTO project_counts (project_id, key, n) SELECT project_id, key, sum(n) FROM gone
                         WHERE EXISTS (SELECT 1 FROM projects j WHERE j.id = gone.project_id)
                         GROUP BY project_id, key HAVING sum(n) <> 0 RETURNING 1)
        SELECT ((SELECT count(*) FROM gone) - (SELECT count(*) FROM kept))::int AS removed`,
  );
  return folded!.removed;
}

/**
 * A project's assignments by status, counted now (not kept: every claim and submit changes one, and
 * only `project show` asks).
 */
export async function assignmentsByStatus(projectId: string): Promise<Record<string, number>> {
  const rows = await queryRows<{ status: string; n: number }>(
    pool(),
    sql`SELECT a.status::text AS status, count(*)::int AS n FROM assignments a JOIN prompts p ON p.id = a.prompt_id
         WHERE p.project_id = ${projectId} GROUP BY a.status ORDER BY a.status`,
  );
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
