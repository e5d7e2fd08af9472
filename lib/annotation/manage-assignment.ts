import "server-only";
import { writeAudit } from "@/lib/audit/audit-entry";
import { AssignmentStatus } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryOne, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import type { Draft } from "@/lib/ranking/submission-schema";

/** Why an update of someone's assignment matched no row: not theirs (404) or not active (409). */
async function explainMiss(assignmentId: string, userId: string): Promise<never> {
  const row = await queryOne<{ userId: string; status: AssignmentStatus }>(
    pool(),
    sql`SELECT user_id, status FROM assignments WHERE id = ${assignmentId}`,
  );
  if (!row || row.userId !== userId) throw new AppError("NOT_FOUND", "No such assignment.");
  throw new AppError(
    "CONFLICT",
    row.status === AssignmentStatus.SUBMITTED
      ? "This prompt is already submitted."
      : "Your time on this prompt ran out; open Annotate to continue where you left off.",
  );
}

/** Autosaves the ranking screen's draft; saving also extends the lease, as the clinician is at work. */
export async function saveDraft(options: {
  userId: string;
  assignmentId: string;
  draft: Draft;
}): Promise<{ leaseExpiresAt: string; savedAt: string }> {
  const order = await queryOne<{ shownOrder: string[] }>(
    pool(),
    sql`SELECT shown_order FROM assignments WHERE id = ${options.assignmentId} AND user_id = ${options.userId}`,
  );
  if (!order) return explainMiss(options.assignmentId, options.userId);
  const known = new Set(order.shownOrder);
  const mentioned = [...options.draft.tiers.flat(), ...Object.keys(options.draft.details), ...(options.draft.unranked ?? [])];
  if (mentioned.some((id) => !known.has(id)))
    throw new AppError("INVALID_INPUT", "The draft mentions a candidate that is not part of this prompt.", "ranking");
  const saved = await queryOne<{ leaseExpiresAt: Date; draftUpdatedAt: Date }>(
    pool(),
    sql`UPDATE assignments a
        SET draft = CASE WHEN a.draft->>'editor' = ${options.draft.editor ?? null} AND (a.draft->>'seq')::bigint > ${options.draft.seq ?? 0} THEN a.draft ELSE ${JSON.stringify(options.draft)}::jsonb END,
            draft_updated_at = now(),
            lease_expires_at = greatest(a.lease_expires_at, now() + make_interval(mins => j.lease_minutes))
       FROM prompts p JOIN projects j ON j.id = p.project_id
      WHERE a.id = ${options.assignmentId} AND a.user_id = ${options.userId} AND p.id = a.prompt_id AND a.status = ${AssignmentStatus.ACTIVE} AND a.lease_expires_at > now()
      RETURNING a.lease_expires_at, a.draft_updated_at`,
  );
  if (!saved) return explainMiss(options.assignmentId, options.userId);
  return { leaseExpiresAt: saved.leaseExpiresAt.toISOString(), savedAt: saved.draftUpdatedAt.toISOString() };
}

/** Skips a prompt with a reason; it returns to the pool for others. */
export async function skipAssignment(options: { userId: string; assignmentId: string; reason: string }): Promise<void> {
  await withTransaction(async (tx) => {
    const skipped = await queryOne<{ promptId: string }>(
      tx,
      sql`UPDATE assignments SET status = ${AssignmentStatus.SKIPPED}, skip_reason = ${options.reason}, finished_at = now(), draft = NULL
        WHERE id = ${options.assignmentId} AND user_id = ${options.userId} AND status = ${AssignmentStatus.ACTIVE} RETURNING prompt_id`,
    );
    if (!skipped) return explainMiss(options.assignmentId, options.userId);
    await writeAudit(tx, {
      actorId: options.userId,
      action: "assignment.skip",
      entityType: "assignment",
      entityId: options.assignmentId,
      after: { promptId: skipped.promptId, reason: options.reason },
    });
  });
}
