import { auditInsertQuery } from "@/lib/audit/audit-entry";
import { assertValidSubmission, compareWithGold, insertRankingWithRevision } from "@/lib/annotation/store-revision";
import { AppError } from "@/lib/errors/app-error";
import { runIdempotent, type StoredResponse } from "@/lib/idempotency/run-idempotent";
import type { Submission } from "@/lib/ranking/submission-schema";

/**
 * Stores a clinician's ranking of their assignment, once per Idempotency-Key. Validated on the
 * server: the assignment is theirs and still active, the ranking ranks exactly its candidates,
 * ties only where allowed. One transaction: ranking, revision, entries, assignment, gold
 * comparison and audit entry land together or not at all.
 */
export async function submitRanking(options: {
  userId: string;
  assignmentId: string;
  submission: Submission;
  idempotencyKey: string;
}): Promise<StoredResponse> {
  const { userId, assignmentId, submission } = options;
  return runIdempotent({ userId, key: options.idempotencyKey, payload: { assignmentId, submission } }, async (tx) => {
    const { rows } = await tx.query(
      `SELECT a.id, a.user_id, a.prompt_id, a.status, a.lease_expires_at > now() AS live, a.shown_order, j.allow_ties,
              EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = a.prompt_id AND r.rater_id = a.user_id AND r.kind = 'HUMAN') AS already_ranked,
              EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = a.prompt_id AND g.kind = 'GOLD') AS has_gold
         FROM assignments a JOIN prompts p ON p.id = a.prompt_id JOIN projects j ON j.id = p.project_id
        WHERE a.id = $1 FOR UPDATE OF a`,
      [assignmentId],
    );
    const a = rows[0];
    if (!a || a.user_id !== userId) throw new AppError("NOT_FOUND", "No such assignment.");
    if (a.status === "SUBMITTED")
      throw new AppError("CONFLICT", "This prompt is already submitted. You can revise your ranking from your history.");
    if (a.status !== "ACTIVE" || !a.live) {
      throw new AppError(
        "CONFLICT",
        "Your time on this prompt ran out and it went back to the pool, so this ranking was not stored. Your draft is kept: open Annotate to continue.",
      );
    }
    const shownOrder = a.shown_order as string[];
    assertValidSubmission(shownOrder, submission, a.allow_ties);
    if (a.already_ranked) throw new AppError("CONFLICT", "You have already ranked this prompt.");
    const { rankingId, revisionId } = await insertRankingWithRevision(tx, {
      promptId: a.prompt_id,
      kind: "HUMAN",
      raterId: userId,
      assignmentId,
      authorId: userId,
      submission,
      shownOrder,
      idempotencyKey: `${userId}:${options.idempotencyKey}`,
    });
    const audit = auditInsertQuery({
      actorId: userId,
      action: "ranking.submit",
      entityType: "ranking",
      entityId: rankingId,
      after: { assignmentId, promptId: a.prompt_id, tiers: submission.tiers },
    });
    await tx.query(
      `WITH done AS (UPDATE assignments SET status = 'SUBMITTED', finished_at = now(), draft = NULL, draft_updated_at = NULL WHERE id = $7)
       ${audit.text}`,
      [...audit.values, assignmentId],
    );
    if (a.has_gold) await compareWithGold(tx, { promptId: a.prompt_id, revisionId, userId, tiers: submission.tiers });
    return { status: 201, body: { rankingId, revision: 1 } };
  });
}
