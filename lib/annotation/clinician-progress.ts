import "server-only";
import { AssignmentStatus } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";

/** Per clinician in a project: rankings submitted, today, median time, active and skipped assignments. */
export async function clinicianProgress(projectSlug: string) {
  const { SUBMITTED, ACTIVE, SKIPPED } = AssignmentStatus;
  const rows = await queryRows<{
    id: string;
    name: string;
    email: string;
    submitted: number;
    today: number;
    active: number;
    skipped: number;
    medianMs: number | null;
  }>(
    pool(),
    sql`SELECT u.id, u.name, u.email,
            count(*) FILTER (WHERE a.status = ${SUBMITTED})::int AS submitted,
            count(*) FILTER (WHERE a.status = ${SUBMITTED} AND a.finished_at >= date_trunc('day', now()))::int AS today,
            count(*) FILTER (WHERE a.status = ${ACTIVE} AND a.lease_expires_at > now())::int AS active,
            count(*) FILTER (WHERE a.status = ${SKIPPED})::int AS skipped,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY rr.time_on_task_ms) AS median_ms
       FROM assignments a JOIN prompts p ON p.id = a.prompt_id JOIN projects j ON j.id = p.project_id
       JOIN users u ON u.id = a.user_id
       LEFT JOIN rankings r ON r.assignment_id = a.id
       LEFT JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = 1
      WHERE j.slug = ${projectSlug}
      GROUP BY u.id ORDER BY submitted DESC, u.name`,
  );
  return rows.map(({ medianMs, ...r }) => ({ ...r, medianSeconds: medianMs === null ? null : Math.round(Number(medianMs) / 1000) }));
}
