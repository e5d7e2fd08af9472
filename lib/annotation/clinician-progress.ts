import "server-only";
import { AssignmentStatus } from "@/generated/prisma/enums";
import { medianOfHistogram } from "@/lib/annotation/clinician-median";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";

/**
 * Per clinician in a project: rankings submitted, today, median time, active and skipped
 * assignments. Read from the counts kept per project and clinician (`clinician_counts`, written by
 * triggers on assignments: migration 20261130152948_clinician_counts) and the live leases (an index
 * range), not from every assignment of the project. The median time is that of the first
 * revisions' times on task rounded to whole seconds (kept as a histogram).
 */
export async function clinicianProgress(projectSlug: string) {
  const rows = await queryRows<{
    id: string;
    name: string;
    email: string;
    submitted: number;
    today: number;
    active: number;
    skipped: number;
    seconds: [number, number][] | null;
  }>(
    pool(),
    sql`WITH project AS (SELECT id FROM projects WHERE slug = ${projectSlug}),
         kept AS (SELECT c.user_id, c.key, sum(c.n)::float8 AS n FROM clinician_counts c, project
                   WHERE c.project_id = project.id GROUP BY c.user_id, c.key HAVING sum(c.n) <> 0),
         per_user AS (
           SELECT user_id,
                  coalesce(sum(n) FILTER (WHERE key = 'submitted'), 0)::int AS submitted,
                  coalesce(sum(n) FILTER (WHERE key = 'day:' || to_char(now(), 'YYYY-MM-DD')), 0)::int AS today,
                  coalesce(sum(n) FILTER (WHERE key = 'skipped'), 0)::int AS skipped,
                  json_agg(json_build_array(substr(key, 9)::float8, n)) FILTER (WHERE key LIKE 'seconds:%') AS seconds
             FROM kept GROUP BY user_id HAVING sum(n) FILTER (WHERE key = 'assigned') > 0),
         active AS (
           SELECT a.user_id, count(*)::int AS active FROM assignments a JOIN prompts p ON p.id = a.prompt_id, project
            WHERE a.status = ${AssignmentStatus.ACTIVE} AND a.lease_expires_at > now() AND p.project_id = project.id
            GROUP BY a.user_id)
     SELECT u.id, u.name, u.email, k.submitted, k.today, coalesce(a.active, 0) AS active, k.skipped, k.seconds
       FROM per_user k JOIN users u ON u.id = k.user_id LEFT JOIN active a ON a.user_id = k.user_id
      ORDER BY k.submitted DESC, u.name`,
  );
  return rows.map(({ seconds, ...r }) => {
    const median = medianOfHistogram(seconds ?? []);
    return { ...r, medianSeconds: median === null ? null : Math.round(median) };
  });
}

/**
 * Folds the clinicians' delta rows into one row per project, clinician and key (maintenance), as
 * foldProjectCounts does, and forgets the days before yesterday (only today's is shown).
 */
export async function foldClinicianCounts(): Promise<number> {
  const [folded] = await queryRows<{ removed: number }>(
    pool(),
    sql`WITH gone AS (DELETE FROM clinician_counts RETURNING project_id, user_id, key, n),
             kept AS (INSERT INTO clinician_counts (project_id, user_id, key, n) SELECT project_id, user_id, key, sum(n) FROM gone
                         WHERE EXISTS (SELECT 1 FROM projects j WHERE j.id = gone.project_id)
                           AND (key NOT LIKE 'day:%' OR key >= 'day:' || to_char(now() - interval '1 day', 'YYYY-MM-DD'))
                         GROUP BY project_id, user_id, key HAVING sum(n) <> 0 RETURNING 1)
        SELECT ((SELECT count(*) FROM gone) - (SELECT count(*) FROM kept))::int AS removed`,
  );
  return folded!.removed;
}
