import "server-only";
import { randomInt } from "node:crypto";
import { AssignmentStatus, RankingKind } from "@/generated/prisma/enums";
import type { ClaimUser } from "@/lib/annotation/claim-next-assignment";
import { pool } from "@/lib/db/pool";
import { queryOne, sql, type Sql } from "@/lib/db/sql";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { pairAssignmentPayload, type PairAssignmentPayload } from "@/lib/verification/pair-payload";

interface ProjectRow {
  id: string;
  leaseMinutes: number;
  goldRate: number;
  specialtyMatching: boolean;
}

/** Where the clinician wants work from: one set of the project, or any of its sets. */
export interface PairScope {
  projectSlug: string;
  setId?: string | null;
}

/** A pair's live load: its votes plus unexpired active assignments (a vote closes its assignment). */
const liveLoad = (pair: Sql) =>
  sql`(${pair}.vote_count + (SELECT count(*) FROM verification_assignments x WHERE x.pair_id = ${pair}.id AND x.status = ${AssignmentStatus.ACTIVE} AND x.lease_expires_at > now()))`;
/** A gold pair: its prompt has a gold ranking (compared with the vote on submit). */
const IS_GOLD = sql`EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = v.prompt_id AND g.kind = ${RankingKind.GOLD})`;

/**
 * The clinician's next pair to verify, or null when nothing is left for them. As the ranking queue:
 * 1. their own live assignment in scope comes first (renewed);
 * 2. expired leases of the project return to the pool;
 * 3. a pending pair they have not had, whose votes plus live leases are under the set's k, locked
 *    FOR UPDATE SKIP LOCKED and its load counted again once the lock is held, so concurrent claims
 *    never push a pair past k; pairs closest to done first, then by set and position;
 * 4. at the project's gold rate, a gold pair is preferred. Gold pairs count towards k like any
 *    other (a pair never gets more than k votes); their votes are compared with the gold ranking.
 * Specialty matching, when the project has it, serves only pairs whose prompt has no tags or
 * shares one with the clinician.
 */
export async function claimNextPair(user: ClaimUser, scope: PairScope): Promise<PairAssignmentPayload | null> {
  const assignmentId = await withTransaction(async (tx) => {
    const project = await loadProject(tx, scope, user.id);
    if (project.resumed) return project.resumed;
    const wantsGold = project.goldRate > 0 && randomInt(1_000_000) < project.goldRate * 1_000_000;
    for (let attempt = 0; attempt < 8; attempt++) {
      const picked = await pickPair(tx, project, scope, user, wantsGold);
      if (!picked) return null;
      const created = await createAssignment(tx, picked, user, project);
      if (created) return created;
    }
    return null;
  });
  if (!assignmentId) return null;
  return pairAssignmentPayload(pool(), assignmentId, user.id);
}

async function loadProject(tx: Tx, scope: PairScope, userId: string): Promise<ProjectRow & { resumed: string | null }> {
  const setFilter = scope.setId ? sql` AND v.set_id = ${scope.setId}::uuid` : sql.empty;
  const row = await queryOne<ProjectRow & { resumed: string | null; setFound: boolean }>(
    tx,
    sql`WITH project AS (SELECT id, lease_minutes, gold_rate, specialty_matching FROM projects WHERE slug = ${scope.projectSlug}),
          expired AS (
            UPDATE verification_assignments a SET status = ${AssignmentStatus.EXPIRED}, finished_at = now()
              FROM verification_pairs v, verification_sets s, project j
             WHERE v.id = a.pair_id AND s.id = v.set_id AND s.project_id = j.id
               AND a.status = ${AssignmentStatus.ACTIVE} AND a.lease_expires_at <= now()
            RETURNING a.id),
          resumed AS (
            UPDATE verification_assignments a SET lease_expires_at = greatest(a.lease_expires_at, now() + make_interval(mins => j.lease_minutes))
              FROM project j
             WHERE a.id = (SELECT a2.id FROM verification_assignments a2 JOIN verification_pairs v ON v.id = a2.pair_id
                             JOIN verification_sets s ON s.id = v.set_id
                            WHERE a2.user_id = ${userId} AND s.project_id = j.id${setFilter}
                              AND a2.status = ${AssignmentStatus.ACTIVE} AND a2.lease_expires_at > now()
                            ORDER BY a2.created_at LIMIT 1)
            RETURNING a.id)
     SELECT j.*, (SELECT id FROM resumed) AS resumed, (SELECT count(*) FROM expired) AS expired,
            ${scope.setId ? sql`EXISTS (SELECT 1 FROM verification_sets s WHERE s.id = ${scope.setId}::uuid AND s.project_id = j.id)` : sql`true`} AS set_found
       FROM project j`,
  );
  if (!row) throw new AppError("NOT_FOUND", `No project with the slug "${scope.projectSlug}".`);
  if (!row.setFound) throw new AppError("NOT_FOUND", "No such verification set in this project.");
  return row;
}

/** The best pair, locked: first skipping rows others hold; if none, waiting for the first held one. */
async function pickPair(tx: Tx, project: ProjectRow, scope: PairScope, user: ClaimUser, preferGold: boolean): Promise<string | null> {
  return (await selectPair(tx, project, scope, user, preferGold, "skip")) ?? selectPair(tx, project, scope, user, preferGold, "wait");
}

async function selectPair(
  tx: Tx,
  project: ProjectRow,
  scope: PairScope,
  user: ClaimUser,
  preferGold: boolean,
  locked: "skip" | "wait",
): Promise<string | null> {
  const conditions: Sql[] = [
    sql`s.project_id = ${project.id}`,
    sql`v.outcome = 'PENDING'`,
    sql`${liveLoad(sql`v`)} < s.raters`,
    sql`NOT EXISTS (SELECT 1 FROM verification_assignments mine WHERE mine.pair_id = v.id AND mine.user_id = ${user.id}
                      AND mine.status IN (${sql.join([AssignmentStatus.SUBMITTED, AssignmentStatus.SKIPPED, AssignmentStatus.ACTIVE])}))`,
    sql`NOT EXISTS (SELECT 1 FROM verification_votes own WHERE own.pair_id = v.id AND own.user_id = ${user.id})`,
  ];
  if (scope.setId) conditions.push(sql`v.set_id = ${scope.setId}::uuid`);
  if (project.specialtyMatching)
    conditions.push(
      sql`EXISTS (SELECT 1 FROM prompts p WHERE p.id = v.prompt_id AND (cardinality(p.tags) = 0 OR p.tags && ${user.specialties}::text[]))`,
    );
  const row = await queryOne<{ id: string }>(
    tx,
    sql`SELECT v.id FROM verification_pairs v JOIN verification_sets s ON s.id = v.set_id
         WHERE ${sql.join(conditions, sql` AND `)}
         ORDER BY ${preferGold ? sql`${IS_GOLD} DESC, ` : sql.empty}${liveLoad(sql`v`)} DESC, s.created_at, v.position
         LIMIT 1 FOR UPDATE OF v ${locked === "skip" ? sql`SKIP LOCKED` : sql.empty}`,
  );
  return row?.id ?? null;
}

/**
 * A new assignment (or the clinician's own expired or released one revived, its shown order and
 * draft kept), created only if the pair is still pending and its live load, counted again under
 * the row lock, is under k. The A/B order is drawn here, once per assignment, and stored.
 */
async function createAssignment(tx: Tx, pairId: string, user: ClaimUser, project: ProjectRow): Promise<string | null> {
  const chosenShownFirst = randomInt(2) === 1;
  const row = await queryOne<{ id: string }>(
    tx,
    sql`INSERT INTO verification_assignments (pair_id, user_id, status, lease_expires_at, chosen_shown_first, is_gold)
     SELECT v.id, ${user.id}::uuid, ${AssignmentStatus.ACTIVE}::assignment_status, now() + make_interval(mins => ${project.leaseMinutes}),
            ${chosenShownFirst}::boolean, ${IS_GOLD}
       FROM verification_pairs v JOIN verification_sets s ON s.id = v.set_id
      WHERE v.id = ${pairId}::uuid AND v.outcome = 'PENDING' AND ${liveLoad(sql`v`)} < s.raters
     ON CONFLICT (pair_id, user_id) DO UPDATE SET status = ${AssignmentStatus.ACTIVE}, lease_expires_at = EXCLUDED.lease_expires_at, finished_at = NULL
       WHERE verification_assignments.status IN (${sql.join([AssignmentStatus.EXPIRED, AssignmentStatus.RELEASED])})
     RETURNING id`,
  );
  return row?.id ?? null;
}
