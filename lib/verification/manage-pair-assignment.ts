import "server-only";
import { AssignmentStatus } from "@/generated/prisma/enums";
import { writeAudit } from "@/lib/audit/audit-entry";
import { pool } from "@/lib/db/pool";
import { queryOne, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import type { PairDraft } from "@/lib/verification/pair-answer";

/** Why an update of someone's pair assignment matched no row: not theirs (404) or not active (409). */
async function explainMiss(assignmentId: string, userId: string): Promise<never> {
  const row = await queryOne<{ userId: string; status: AssignmentStatus }>(
    pool(),
    sql`SELECT user_id, status FROM verification_assignments WHERE id = ${assignmentId}`,
  );
  if (!row || row.userId !== userId) throw new AppError("NOT_FOUND", "No such pair assignment.");
  throw new AppError(
    "CONFLICT",
    row.status === AssignmentStatus.SUBMITTED
      ? "This pair is already answered."
      : "Your time on this pair ran out; open the set again to continue where you left off.",
  );
}

/** Autosaves the pair screen's draft; saving also extends the lease, as the clinician is at work. */
export async function savePairDraft(options: { userId: string; assignmentId: string; draft: PairDraft }) {
  const saved = await queryOne<{ leaseExpiresAt: Date; draftUpdatedAt: Date }>(
    pool(),
    sql`UPDATE verification_assignments a
        SET draft = CASE WHEN a.draft->>'editor' = ${options.draft.editor ?? null} AND (a.draft->>'seq')::bigint > ${options.draft.seq ?? 0} THEN a.draft ELSE ${JSON.stringify(options.draft)}::jsonb END,
            draft_updated_at = now(),
            lease_expires_at = greatest(a.lease_expires_at, now() + make_interval(mins => j.lease_minutes))
       FROM verification_pairs v JOIN verification_sets s ON s.id = v.set_id JOIN projects j ON j.id = s.project_id
      WHERE a.id = ${options.assignmentId} AND a.user_id = ${options.userId} AND v.id = a.pair_id
        AND a.status = ${AssignmentStatus.ACTIVE} AND a.lease_expires_at > now()
      RETURNING a.lease_expires_at, a.draft_updated_at`,
  );
  if (!saved) return explainMiss(options.assignmentId, options.userId);
  return { leaseExpiresAt: saved.leaseExpiresAt.toISOString(), savedAt: saved.draftUpdatedAt.toISOString() };
}

/** Skips a pair with a reason; it returns to the pool for others (never to this clinician). */
export async function skipPair(options: { userId: string; assignmentId: string; reason: string }): Promise<void> {
  await withTransaction(async (tx) => {
    const skipped = await queryOne<{ pairId: string }>(
      tx,
      sql`UPDATE verification_assignments SET status = ${AssignmentStatus.SKIPPED}, finished_at = now(), draft = NULL
        WHERE id = ${options.assignmentId} AND user_id = ${options.userId} AND status = ${AssignmentStatus.ACTIVE} RETURNING pair_id`,
    );
    if (!skipped) return explainMiss(options.assignmentId, options.userId);
    await writeAudit(tx, {
      actorId: options.userId,
      action: "verification.assignment.skip",
      entityType: "verification_assignment",
      entityId: options.assignmentId,
      after: { pairId: skipped.pairId, reason: options.reason },
    });
  });
}
