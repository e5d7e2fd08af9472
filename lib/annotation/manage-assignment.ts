import { writeAudit } from "@/lib/audit/audit-entry";
import { pool } from "@/lib/db/pool";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import type { Draft } from "@/lib/ranking/submission-schema";

/** Why an update of someone's assignment matched no row: not theirs (404) or not active (409). */
async function explainMiss(assignmentId: string, userId: string): Promise<never> {
  const { rows } = await pool().query(`SELECT user_id, status FROM assignments WHERE id = $1`, [assignmentId]);
  if (!rows[0] || rows[0].user_id !== userId) throw new AppError("NOT_FOUND", "No such assignment.");
  throw new AppError(
    "CONFLICT",
    rows[0].status === "SUBMITTED"
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
  const { rows: order } = await pool().query<{ shown_order: string[] }>(
    `SELECT shown_order FROM assignments WHERE id = $1 AND user_id = $2`,
    [options.assignmentId, options.userId],
  );
  if (!order[0]) await explainMiss(options.assignmentId, options.userId);
  const known = new Set(order[0]!.shown_order);
  const mentioned = [...options.draft.tiers.flat(), ...Object.keys(options.draft.details), ...(options.draft.unranked ?? [])];
  if (mentioned.some((id) => !known.has(id)))
    throw new AppError("INVALID_INPUT", "The draft mentions a candidate that is not part of this prompt.", "ranking");
  const { rows } = await pool().query<{ lease_expires_at: Date; draft_updated_at: Date }>(
    `UPDATE assignments a
        SET draft = CASE WHEN a.draft->>'editor' = $4 AND (a.draft->>'seq')::bigint > $5 THEN a.draft ELSE $3::jsonb END,
            draft_updated_at = now(),
            lease_expires_at = greatest(a.lease_expires_at, now() + make_interval(mins => j.lease_minutes))
       FROM prompts p JOIN projects j ON j.id = p.project_id
      WHERE a.id = $1 AND a.user_id = $2 AND p.id = a.prompt_id AND a.status = 'ACTIVE' AND a.lease_expires_at > now()
      RETURNING a.lease_expires_at, a.draft_updated_at`,
    [options.assignmentId, options.userId, JSON.stringify(options.draft), options.draft.editor ?? null, options.draft.seq ?? 0],
  );
  if (!rows[0]) return explainMiss(options.assignmentId, options.userId);
  return { leaseExpiresAt: rows[0].lease_expires_at.toISOString(), savedAt: rows[0].draft_updated_at.toISOString() };
}

/** Skips a prompt with a reason; it returns to the pool for others. */
export async function skipAssignment(options: { userId: string; assignmentId: string; reason: string }): Promise<void> {
  await withTransaction(async (tx) => {
    const { rows } = await tx.query<{ prompt_id: string }>(
      `UPDATE assignments SET status = 'SKIPPED', skip_reason = $3, finished_at = now(), draft = NULL
        WHERE id = $1 AND user_id = $2 AND status = 'ACTIVE' RETURNING prompt_id`,
      [options.assignmentId, options.userId, options.reason],
    );
    if (!rows[0]) return explainMiss(options.assignmentId, options.userId);
    await writeAudit(tx, {
      actorId: options.userId,
      action: "assignment.skip",
      entityType: "assignment",
      entityId: options.assignmentId,
      after: { promptId: rows[0].prompt_id, reason: options.reason },
    });
  });
}
