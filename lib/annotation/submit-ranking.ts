import { auditInsertQuery } from "@/lib/audit/audit-entry";
import { assertValidSubmission, compareWithGold, insertRevision } from "@/lib/annotation/store-revision";
import { AppError } from "@/lib/errors/app-error";
import { runIdempotent, type StoredResponse } from "@/lib/idempotency/run-idempotent";
import type { Submission } from "@/lib/ranking/submission-schema";

/**
 * Stores a clinician's ranking of their assignment, once per Idempotency-Key. Validated on the
 * server: the assignment is theirs and still active, the ranking ranks exactly its candidates,
 * ties only where allowed. One transaction: ranking, revision, entries, assignment, gold
 * comparison and audit entry land together or not at all.
 */
export async function submitRanking(options: { userId: string; assignmentId: string; submission: Submission; idempotencyKey: string }): Promise<StoredResponse> {
  const { userId, assignmentId, submission } = options;
  return runIdempotent({ userId, key: options.idempotencyKey, payload: { assignmentId, submission } }, async (tx) => {
    const { rows } = await tx.query(
      `SELECT a.id, a.user_id, a.prompt_id, a.status, a.lease_expires_at > now() AS live, a.shown_order, a.is_gold, j.allow_ties
         FROM assignments a JOIN prompts p ON p.id = a.prompt_id JOIN projects j ON j.id = p.project_id
        WHERE a.id = $1 FOR UPDATE OF a`,
      [assignmentId],
    );
    const a = rows[0];
    if (!a || a.user_id !== userId) throw new AppError("NOT_FOUND", "No such assignment.");
    if (a.status === "SUBMITTED") throw new AppError("CONFLICT", "This prompt is already submitted. You can revise your ranking from your history.");
    if (a.status !== "ACTIVE" || !a.live) {
      throw new AppError("CONFLICT", "Your time on this prompt ran out and it went back to the pool, so this ranking was not stored. Your draft is kept: open Annotate to continue.");
    }
    const shownOrder = a.shown_order as string[];
    assertValidSubmission(shownOrder, submission, a.allow_ties);
    const existing = await tx.query(`SELECT 1 FROM rankings WHERE prompt_id = $1 AND rater_id = $2 AND kind = 'HUMAN'`, [a.prompt_id, userId]);
    if (existing.rowCount) throw new AppError("CONFLICT", "You have already ranked this prompt.");
    const { rows: ranking } = await tx.query<{ id: string }>(
      `INSERT INTO rankings (prompt_id, kind, rater_id, assignment_id) VALUES ($1, 'HUMAN', $2, $3) RETURNING id`,
      [a.prompt_id, userId, assignmentId],
    );
    const rankingId = ranking[0]!.id;
    const revisionId = await insertRevision(tx, { rankingId, revision: 1, authorId: userId, submission, shownOrder, idempotencyKey: `${userId}:${options.idempotencyKey}` });
    await tx.query(`UPDATE assignments SET status = 'SUBMITTED', finished_at = now(), draft = NULL, draft_updated_at = NULL WHERE id = $1`, [assignmentId]);
    await compareWithGold(tx, { promptId: a.prompt_id, revisionId, userId, tiers: submission.tiers });
    await tx.query(auditInsertQuery({ actorId: userId, action: "ranking.submit", entityType: "ranking", entityId: rankingId, after: { assignmentId, promptId: a.prompt_id, tiers: submission.tiers } }));
    return { status: 201, body: { rankingId, revision: 1 } };
  });
}
