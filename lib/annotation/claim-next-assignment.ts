import "server-only";
import { randomInt } from "node:crypto";
import { assignmentPayload, type AssignmentPayload } from "@/lib/annotation/assignment-payload";
import { shuffledCandidates } from "@/lib/annotation/shown-order";
import { AssignmentStatus, RankingKind } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryOne, sql, type Sql } from "@/lib/db/sql";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";

export interface ClaimUser {
  id: string;
  specialties: string[];
}

interface ProjectRow {
  id: string;
  overlapK: number;
  leaseMinutes: number;
  goldRate: number;
  specialtyMatching: boolean;
  queueOrder: "completion" | "judge-uncertain";
}

/** A prompt's live load: submitted rankings plus unexpired active assignments. */
const liveLoad = (promptId: string) =>
  sql`(SELECT count(*) FROM assignments x WHERE x.prompt_id = ${promptId}::uuid AND (x.status = ${AssignmentStatus.SUBMITTED} OR (x.status = ${AssignmentStatus.ACTIVE} AND x.lease_expires_at > now())))`;
const IS_GOLD = sql`EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = p.id AND g.kind = ${RankingKind.GOLD})`;

/**
 * The clinician's next prompt in a project, or null when nothing is left for them.
 * 1. An active assignment of theirs (an admin's batch assignment, or one they left) comes first.
 * 2. Expired leases return to the pool.
 * 3. At the project's gold rate, a gold prompt they have not done (gold prompts are served to
 *    everyone and do not count towards k).
 * 4. Otherwise a prompt they have not ranked with fewer than k live rankings, preferring prompts
 *    closest to complete (prompts.human_load, kept by a trigger, makes this an index scan) — or,
 *    when the project orders its queue by judge uncertainty, the prompts its judge is least sure
 *    about (lib/annotation/queue-priorities.ts), then the others.
 *    Candidates are locked with FOR UPDATE SKIP LOCKED and the load is counted again once the
 *    lock is held, so concurrent claims never push a prompt past k, on one app server or many.
 *    When every prompt left is locked by another claim or submission at that instant, the claim
 *    waits for the lock instead of answering "done": the prompt may still need this clinician.
 */
export async function claimNextAssignment(user: ClaimUser, projectSlug: string): Promise<AssignmentPayload | null> {
  const assignmentId = await withTransaction(async (tx) => {
    const project = await loadProject(tx, projectSlug, user.id);
    if (project.resumed) return project.resumed;
    const wantsGold = project.goldRate > 0 && randomInt(1_000_000) < project.goldRate * 1_000_000;
    if (wantsGold) {
      const gold = await pickPrompt(tx, project, user, true);
      const created = gold && (await createAssignment(tx, gold, user, project, true));
      if (created) return created;
    }
    for (let attempt = 0; attempt < 8; attempt++) {
      const picked = await pickPrompt(tx, project, user, false);
      if (!picked) break;
      const created = await createAssignment(tx, picked, user, project, false);
      if (created) return created;
    }
    if (!wantsGold && project.goldRate > 0) {
      // Regular work is done; gold prompts not yet seen still need this clinician.
      const gold = await pickPrompt(tx, project, user, true);
      if (gold) return createAssignment(tx, gold, user, project, true);
    }
    return null;
  });
  if (!assignmentId) return null;
  return assignmentPayload(pool(), assignmentId, user.id);
}

/**
 * One round trip: the project's settings, its expired leases returned to the pool, and the
 * clinician's own live assignment in it (renewed), if any.
 */
async function loadProject(tx: Tx, slug: string, userId: string): Promise<ProjectRow & { resumed: string | null }> {
  const row = await queryOne<ProjectRow & { resumed: string | null }>(
    tx,
    sql`WITH project AS (SELECT id, overlap_k, lease_minutes, gold_rate, specialty_matching, queue_order FROM projects WHERE slug = ${slug}),
          expired AS (
            UPDATE assignments a SET status = ${AssignmentStatus.EXPIRED}, finished_at = now()
              FROM prompts p, project j
             WHERE p.id = a.prompt_id AND p.project_id = j.id AND a.status = ${AssignmentStatus.ACTIVE} AND a.lease_expires_at <= now()
            RETURNING a.id),
          resumed AS (
            UPDATE assignments a SET lease_expires_at = greatest(a.lease_expires_at, now() + make_interval(mins => j.lease_minutes))
              FROM project j
             WHERE a.id = (SELECT a2.id FROM assignments a2 JOIN prompts p ON p.id = a2.prompt_id
                            WHERE a2.user_id = ${userId} AND p.project_id = j.id AND a2.status = ${AssignmentStatus.ACTIVE} AND a2.lease_expires_at > now()
                            ORDER BY a2.created_at LIMIT 1)
            RETURNING a.id)
     SELECT j.*, (SELECT id FROM resumed) AS resumed, (SELECT count(*) FROM expired) AS expired FROM project j`,
  );
  if (!row) throw new AppError("NOT_FOUND", `No project with the slug "${slug}".`);
  return row;
}

/**
 * The best prompt for the clinician, locked: first passing over rows other transactions hold (the
 * fast path); when that finds none, waiting for the first held one, which PostgreSQL re-checks
 * against the conditions once its holder commits.
 */
async function pickPrompt(tx: Tx, project: ProjectRow, user: ClaimUser, gold: boolean): Promise<string | null> {
  // Judge-uncertain order: the prompts the judge is least sure about first, then (unjudged) the usual order.
  if (!gold && project.queueOrder === "judge-uncertain") {
    const unsure = await selectPrompt(tx, project, user, gold, "skip", "uncertain");
    if (unsure) return unsure;
  }
  return (await selectPrompt(tx, project, user, gold, "skip")) ?? selectPrompt(tx, project, user, gold, "wait");
}

async function selectPrompt(
  tx: Tx,
  project: ProjectRow,
  user: ClaimUser,
  gold: boolean,
  locked: "skip" | "wait",
  order: "completion" | "uncertain" = "completion",
): Promise<string | null> {
  const conditions: Sql[] = [
    sql`p.project_id = ${project.id}`,
    gold ? IS_GOLD : sql`NOT ${IS_GOLD}`,
    sql`NOT EXISTS (SELECT 1 FROM assignments mine WHERE mine.prompt_id = p.id AND mine.user_id = ${user.id} AND mine.status IN (${sql.join([AssignmentStatus.SUBMITTED, AssignmentStatus.SKIPPED, AssignmentStatus.ACTIVE])}))`,
  ];
  if (!gold) {
    conditions.push(sql`p.human_load < ${project.overlapK} + p.extra_rankings`);
    if (project.specialtyMatching) conditions.push(sql`(cardinality(p.tags) = 0 OR p.tags && ${user.specialties}::text[])`);
  }
  const row = await queryOne<{ id: string }>(
    tx,
    order === "uncertain"
      ? sql`SELECT p.id FROM prompt_queue_priorities q JOIN prompts p ON p.id = q.prompt_id
             WHERE q.project_id = ${project.id} AND ${sql.join(conditions, sql` AND `)}
             ORDER BY q.uncertainty DESC, p.human_load DESC
             LIMIT 1 FOR UPDATE OF p ${locked === "skip" ? sql`SKIP LOCKED` : sql.empty}`
      : sql`SELECT p.id FROM prompts p WHERE ${sql.join(conditions, sql` AND `)}
             ORDER BY ${gold ? sql`p.created_at` : sql`p.human_load DESC`}
             LIMIT 1 FOR UPDATE OF p ${locked === "skip" ? sql`SKIP LOCKED` : sql.empty}`,
  );
  return row?.id ?? null;
}

/**
 * A new assignment (or the clinician's own expired one revived, its shown order and draft kept),
 * created only if the prompt's live load, counted afresh now that its row lock is held, is under
 * k (gold prompts have no cap). The shown order is a fresh shuffle of the candidates.
 */
async function createAssignment(tx: Tx, promptId: string, user: ClaimUser, project: ProjectRow, isGold: boolean): Promise<string | null> {
  const row = await queryOne<{ id: string }>(
    tx,
    sql`INSERT INTO assignments (prompt_id, user_id, status, lease_expires_at, shown_order, is_gold)
     SELECT ${promptId}::uuid, ${user.id}::uuid, ${AssignmentStatus.ACTIVE}::assignment_status, now() + make_interval(mins => ${project.leaseMinutes}),
            ${shuffledCandidates(promptId)}, ${isGold}::boolean
      WHERE ${isGold}::boolean OR ${liveLoad(promptId)} < ${project.overlapK} + (SELECT extra_rankings FROM prompts WHERE id = ${promptId}::uuid)
     ON CONFLICT (prompt_id, user_id) DO UPDATE SET status = ${AssignmentStatus.ACTIVE}, lease_expires_at = EXCLUDED.lease_expires_at, finished_at = NULL
       WHERE assignments.status IN (${sql.join([AssignmentStatus.EXPIRED, AssignmentStatus.RELEASED])})
     RETURNING id`,
  );
  return row?.id ?? null;
}
