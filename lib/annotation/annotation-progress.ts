import { pool } from "@/lib/db/pool";

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
  const { rows } = await pool().query(
    `WITH proj AS (SELECT id, overlap_k FROM projects WHERE slug = $2),
          regular AS (
            SELECT p.id FROM prompts p, proj WHERE p.project_id = proj.id
               AND NOT EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = p.id AND g.kind = 'GOLD')),
          submitted AS (
            SELECT a.prompt_id, count(*) AS n FROM assignments a JOIN regular r ON r.id = a.prompt_id
             WHERE a.status = 'SUBMITTED' GROUP BY a.prompt_id),
          mine AS (
            SELECT a.finished_at, rr.time_on_task_ms FROM assignments a
              JOIN prompts p ON p.id = a.prompt_id
              JOIN proj ON proj.id = p.project_id
              LEFT JOIN rankings r ON r.assignment_id = a.id
              LEFT JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = 1
             WHERE a.user_id = $1 AND a.status = 'SUBMITTED')
     SELECT (SELECT count(*) FROM regular) * (SELECT overlap_k FROM proj) AS project_needed,
            (SELECT coalesce(sum(least(n, (SELECT overlap_k FROM proj))), 0) FROM submitted) AS project_done,
            (SELECT count(*) FROM mine) AS mine,
            (SELECT count(*) FROM regular r WHERE NOT EXISTS (SELECT 1 FROM assignments a WHERE a.prompt_id = r.id AND a.user_id = $1 AND a.status IN ('SUBMITTED', 'SKIPPED'))
                AND coalesce((SELECT n FROM submitted s WHERE s.prompt_id = r.id), 0) < (SELECT overlap_k FROM proj)) AS mine_available,
            (SELECT count(*) FROM mine WHERE finished_at >= date_trunc('day', now())) AS today,
            (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY time_on_task_ms) FROM mine WHERE time_on_task_ms IS NOT NULL) AS median_ms`,
    [userId, projectSlug],
  );
  const r = rows[0];
  return {
    projectNeeded: Number(r.project_needed ?? 0),
    projectDone: Number(r.project_done),
    mine: Number(r.mine),
    mineAvailable: Number(r.mine_available),
    today: Number(r.today),
    medianSecondsPerPrompt: r.median_ms === null ? null : Math.round(Number(r.median_ms) / 1000),
  };
}
