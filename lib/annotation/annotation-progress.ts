import "server-only";
import { AssignmentStatus, RankingKind } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryOne, sql } from "@/lib/db/sql";

export interface AnnotationProgress {
  /** Human rankings the project still wants in total: regular prompts × k. */
  projectNeeded: number;
  /** Submitted rankings counted towards that (at most k per prompt). */
  projectDone: number;
  /** This clinician's submitted rankings in the project. */
  mine: number;
  /** Regular prompts this clinician could still rank. */
  mineAvailable: number;
  today: number;
  medianSecondsPerPrompt: number | null;
}

/** Progress of one clinician and of the project; gold prompts are checks, not work, and are left out. */
export async function annotationProgress(userId: string, projectSlug: string): Promise<AnnotationProgress> {
  const { SUBMITTED, SKIPPED } = AssignmentStatus;
  // count(*) is bigint, which pg returns as a string: converted with Number below.
  const r = (await queryOne<{
    projectNeeded: string | null;
    projectDone: string;
    mine: string;
    mineAvailable: string;
    today: string;
    medianMs: number | null;
  }>(
    pool(),
    sql`WITH proj AS (SELECT id, overlap_k FROM projects WHERE slug = ${projectSlug}),
          regular AS (
            SELECT p.id FROM prompts p, proj WHERE p.project_id = proj.id
               AND NOT EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = p.id AND g.kind = ${RankingKind.GOLD})),
          submitted AS (
            SELECT a.prompt_id, count(*) AS n FROM assignments a JOIN regular r ON r.id = a.prompt_id
             WHERE a.status = ${SUBMITTED} GROUP BY a.prompt_id),
          mine AS (
            SELECT a.finished_at, rr.time_on_task_ms FROM assignments a
              JOIN prompts p ON p.id = a.prompt_id
              JOIN proj ON proj.id = p.project_id
              LEFT JOIN rankings r ON r.assignment_id = a.id
              LEFT JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = 1
             WHERE a.user_id = ${userId} AND a.status = ${SUBMITTED})
     SELECT (SELECT count(*) FROM regular) * (SELECT overlap_k FROM proj) AS project_needed,
            (SELECT coalesce(sum(least(n, (SELECT overlap_k FROM proj))), 0) FROM submitted) AS project_done,
            (SELECT count(*) FROM mine) AS mine,
            (SELECT count(*) FROM regular r WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.prompt_id = r.id AND a.user_id = ${userId} AND a.status IN (${SUBMITTED}, ${SKIPPED}))
                AND coalesce((SELECT n FROM submitted s WHERE s.prompt_id = r.id), 0) < (SELECT overlap_k FROM proj)) AS mine_available,
            (SELECT count(*) FROM mine WHERE finished_at >= date_trunc('day', now())) AS today,
            (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY time_on_task_ms) FROM mine WHERE time_on_task_ms IS NOT NULL) AS median_ms`,
  ))!;
  return {
    projectNeeded: Number(r.projectNeeded ?? 0),
    projectDone: Number(r.projectDone),
    mine: Number(r.mine),
    mineAvailable: Number(r.mineAvailable),
    today: Number(r.today),
    medianSecondsPerPrompt: r.medianMs === null ? null : Math.round(Number(r.medianMs) / 1000),
  };
}
