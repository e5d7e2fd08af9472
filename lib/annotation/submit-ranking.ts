import "server-only";
import { AssignmentStatus, RankingKind } from "@/generated/prisma/enums";
import { auditInsert } from "@/lib/audit/audit-entry";
import { assertValidSubmission, compareWithGold, insertRankingWithRevision, storeRevisionSpans } from "@/lib/annotation/store-revision";
import { execute, queryOne, sql } from "@/lib/db/sql";
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
    const a = await queryOne<{
      id: string;
      userId: string;
      promptId: string;
      status: AssignmentStatus;
      live: boolean;
      shownOrder: string[];
      allowTies: boolean;
      alreadyRanked: boolean;
      hasGold: boolean;
    }>(
      tx,
      sql`SELECT a.id, a.user_id, a.prompt_id, a.status, a.lease_expires_at > now() AS live, a.shown_order, j.allow_ties,
              EXISTS (SELECT 1 FROM rankings r WHERE r.prompt_id = a.prompt_id AND r.rater_id = a.user_id AND r.kind = ${RankingKind.HUMAN}) AS already_ranked,
              EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = a.prompt_id AND g.kind = ${RankingKind.GOLD}) AS has_gold
         FROM assignments a JOIN prompts p ON p.id = a.prompt_id JOIN projects j ON j.id = p.project_id
        WHERE a.id = ${assignmentId} FOR UPDATE OF a`,
    );
    if (!a || a.userId !== userId) throw new AppError("NOT_FOUND", "No such assignment.");
    if (a.status === AssignmentStatus.SUBMITTED)
      throw new AppError("CONFLICT", "This prompt is already submitted. You can revise your ranking from your history.");
    if (a.status !== AssignmentStatus.ACTIVE || !a.live) {
      throw new AppError(
        "CONFLICT",
        "Your time on this prompt ran out and it went back to the pool, so this ranking was not stored. Your draft is kept: open Annotate to continue.",
      );
    }
    const shownOrder = a.shownOrder;
    assertValidSubmission(shownOrder, submission, a.allowTies);
    if (a.alreadyRanked) throw new AppError("CONFLICT", "You have already ranked this prompt.");
    const { rankingId, revisionId } = await insertRankingWithRevision(tx, {
      promptId: a.promptId,
      kind: RankingKind.HUMAN,
      raterId: userId,
      assignmentId,
      authorId: userId,
      submission,
      shownOrder,
      idempotencyKey: `${userId}:${options.idempotencyKey}`,
    });
    await storeRevisionSpans(tx, { revisionId, promptId: a.promptId, shownOrder, spans: submission.spans });
    const audit = auditInsert({
      actorId: userId,
      action: "ranking.submit",
      entityType: "ranking",
      entityId: rankingId,
      after: { assignmentId, promptId: a.promptId, tiers: submission.tiers, spans: submission.spans?.length ?? 0 },
    });
    // One round trip: the assignment is closed and the audit entry written by one statement.
    await execute(
      tx,
      sql`WITH done AS (UPDATE assignments SET status = ${AssignmentStatus.SUBMITTED}, finished_at = now(), draft = NULL, draft_updated_at = NULL WHERE id = ${assignmentId})
       ${audit}`,
    );
    if (a.hasGold) await compareWithGold(tx, { promptId: a.promptId, revisionId, userId, tiers: submission.tiers });
    return { status: 201, body: { rankingId, revision: 1 } };
  });
}
