import { randomInt } from "node:crypto";
import { assignmentPayload, type AssignmentPayload } from "@/lib/annotation/assignment-payload";
import { SHUFFLED_CANDIDATES } from "@/lib/annotation/shown-order";
import { pool } from "@/lib/db/pool";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";

export interface ClaimUser {
  id: string;
  specialties: string[];
}

interface ProjectRow {
  id: string;
  overlap_k: number;
  lease_minutes: number;
  gold_rate: number;
  specialty_matching: boolean;
}

/** A prompt's live load: submitted rankings plus unexpired active assignments. */
const LIVE_LOAD = `(SELECT count(*) FROM assignments x WHERE x.prompt_id = p.id AND (x.status = 'SUBMITTED' OR (x.status = 'ACTIVE' AND x.lease_expires_at > now())))`;
const IS_GOLD = `EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = p.id AND g.kind = 'GOLD')`;

/**
 * The clinician's next prompt in a project, or null when nothing is left for them.
 * 1. An active assignment of theirs (an admin's batch assignment, or one they left) comes first.
 * 2. Expired leases return to the pool.
 * 3. At the project's gold rate, a gold prompt they have not done (gold prompts are served to
 *    everyone and do not count towards k).
 * 4. Otherwise a prompt they have not ranked with fewer than k live rankings, preferring prompts
 *    closest to complete (prompts.human_load, kept by a trigger, makes this an index scan).
 *    Candidates are locked with FOR UPDATE SKIP LOCKED and the load is counted again once the
 *    lock is held, so concurrent claims never push a prompt past k, on one app server or many.
 */
export async function claimNextAssignment(user: ClaimUser, projectSlug: string): Promise<AssignmentPayload | null> {
  const assignmentId = await withTransaction(async (tx) => {
    const project = await loadProject(tx, projectSlug, user.id);
    if (project.resumed) return project.resumed;
    const wantsGold = project.gold_rate > 0 && randomInt(1_000_000) < project.gold_rate * 1_000_000;
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
    if (!wantsGold && project.gold_rate > 0) {
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
  const { rows } = await tx.query<ProjectRow & { resumed: string | null }>(
    `WITH project AS (SELECT id, overlap_k, lease_minutes, gold_rate, specialty_matching FROM projects WHERE slug = $1),
          expired AS (
            UPDATE assignments a SET status = 'EXPIRED', finished_at = now()
              FROM prompts p, project j
             WHERE p.id = a.prompt_id AND p.project_id = j.id AND a.status = 'ACTIVE' AND a.lease_expires_at <= now()
            RETURNING a.id),
          resumed AS (
            UPDATE assignments a SET lease_expires_at = greatest(a.lease_expires_at, now() + make_interval(mins => j.lease_minutes))
              FROM project j
             WHERE a.id = (SELECT a2.id FROM assignments a2 JOIN prompts p ON p.id = a2.prompt_id
                            WHERE a2.user_id = $2 AND p.project_id = j.id AND a2.status = 'ACTIVE' AND a2.lease_expires_at > now()
                            ORDER BY a2.created_at LIMIT 1)
            RETURNING a.id)
     SELECT j.*, (SELECT id FROM resumed) AS resumed, (SELECT count(*) FROM expired) AS expired FROM project j`,
    [slug, userId],
  );
  if (!rows[0]) throw new AppError("NOT_FOUND", `No project with the slug "${slug}".`);
  return rows[0];
}

async function pickPrompt(tx: Tx, project: ProjectRow, user: ClaimUser, gold: boolean): Promise<string | null> {
  const params: unknown[] = [project.id, user.id];
  const conditions = [
    `p.project_id = $1`,
    `${gold ? "" : "NOT "}${IS_GOLD}`,
    `NOT EXISTS (SELECT 1 FROM assignments mine WHERE mine.prompt_id = p.id AND mine.user_id = $2 AND mine.status IN ('SUBMITTED', 'SKIPPED', 'ACTIVE'))`,
  ];
  if (!gold) {
    params.push(project.overlap_k);
    conditions.push(`p.human_load < $${params.length} + p.extra_rankings`);
    if (project.specialty_matching) {
      params.push(user.specialties);
      conditions.push(`(cardinality(p.tags) = 0 OR p.tags && $${params.length}::text[])`);
    }
  }
  const { rows } = await tx.query<{ id: string }>(
    `SELECT p.id FROM prompts p WHERE ${conditions.join(" AND ")}
      ORDER BY ${gold ? "p.created_at" : "p.human_load DESC"}
      LIMIT 1 FOR UPDATE OF p SKIP LOCKED`,
    params,
  );
  return rows[0]?.id ?? null;
}

/**
 * A new assignment (or the clinician's own expired one revived, its shown order and draft kept),
 * created only if the prompt's live load, counted afresh now that its row lock is held, is under
 * k (gold prompts have no cap). The shown order is a fresh shuffle of the candidates.
 */
async function createAssignment(tx: Tx, promptId: string, user: ClaimUser, project: ProjectRow, isGold: boolean): Promise<string | null> {
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO assignments (prompt_id, user_id, status, lease_expires_at, shown_order, is_gold)
     SELECT $1, $2, 'ACTIVE', now() + make_interval(mins => $3),
            ${SHUFFLED_CANDIDATES}, $4
      WHERE $4 OR ${LIVE_LOAD.replaceAll("p.id", "$1::uuid")} < $5 + (SELECT extra_rankings FROM prompts WHERE id = $1)
     ON CONFLICT (prompt_id, user_id) DO UPDATE SET status = 'ACTIVE', lease_expires_at = EXCLUDED.lease_expires_at, finished_at = NULL
       WHERE assignments.status IN ('EXPIRED', 'RELEASED')
     RETURNING id`,
    [promptId, user.id, project.lease_minutes, isGold, project.overlap_k],
  );
  return rows[0]?.id ?? null;
}
