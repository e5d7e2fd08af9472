import "server-only";
import { AssignmentStatus, RankingKind } from "@/generated/prisma/enums";
import { auditInsert, writeAudit } from "@/lib/audit/audit-entry";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import type { Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { runIdempotent, type StoredResponse } from "@/lib/idempotency/run-idempotent";
import { currentTaxonomy } from "@/lib/critiques/project-taxonomy";
import { assertValidSpans, insertCritiqueSpans } from "@/lib/critiques/store-spans";
import {
  answerToVote,
  completionOnSide,
  flagsToStored,
  goldVote,
  type PairAnswerSubmission,
  type PairSpan,
} from "@/lib/verification/pair-answer";
import type { Vote } from "@/lib/verification/pair-outcome";
import { lockPair, recordVote, reviseVote } from "@/lib/verification/record-vote";

/**
 * Stores a clinician's answer on their pair assignment, once per Idempotency-Key: the vote (relative
 * to the source's verdict, through the stored A/B order), the pair's outcome, the assignment closed
 * and an audit entry, in one transaction. The answer says nothing back about the verdict or the outcome.
 */
export async function submitPairVote(options: {
  userId: string;
  assignmentId: string;
  answer: PairAnswerSubmission;
  idempotencyKey: string;
}): Promise<StoredResponse> {
  const { userId, assignmentId, answer } = options;
  return runIdempotent({ userId, key: options.idempotencyKey, payload: { assignmentId, answer } }, async (tx) => {
    const pairId = await queryOne<{ pairId: string; userId: string }>(
      tx,
      sql`SELECT pair_id, user_id FROM verification_assignments WHERE id = ${assignmentId}`,
    );
    if (!pairId || pairId.userId !== userId) throw new AppError("NOT_FOUND", "No such pair assignment.");
    // The pair first, then the assignment: the order claims take their locks in.
    const pair = await lockPair(tx, pairId.pairId);
    const a = await queryOne<{ status: AssignmentStatus; live: boolean; chosenShownFirst: boolean; isGold: boolean }>(
      tx,
      sql`SELECT status, lease_expires_at > now() AS live, chosen_shown_first, is_gold FROM verification_assignments WHERE id = ${assignmentId} FOR UPDATE`,
    );
    if (!a) throw new AppError("NOT_FOUND", "No such pair assignment.");
    if (a.status === AssignmentStatus.SUBMITTED)
      throw new AppError("CONFLICT", "This pair is already answered. You can revise your answer from your history.");
    if (a.status !== AssignmentStatus.ACTIVE || !a.live)
      throw new AppError(
        "CONFLICT",
        "Your time on this pair ran out and it went back to the pool, so this answer was not stored. Your draft is kept: open the set again to continue.",
      );
    const vote = answerToVote(answer.answer, a.chosenShownFirst);
    const { voteId } = await recordVote(tx, {
      pairId: pair.id,
      userId,
      vote,
      confidence: answer.confidence,
      rationale: answer.rationale,
      flags: flagsToStored(answer.flags, a.chosenShownFirst),
      chosenShownFirst: a.chosenShownFirst,
      timeOnTaskMs: answer.timeOnTaskMs,
      imported: false,
    });
    await storeVoteSpans(tx, { voteId, voteRevision: 1, pair, chosenShownFirst: a.chosenShownFirst, spans: answer.spans });
    const gold = a.isGold ? await goldComparison(tx, pair, vote) : undefined;
    const audit = auditInsert({
      actorId: userId,
      action: "verification.vote.submit",
      entityType: "verification_vote",
      entityId: voteId,
      after: { assignmentId, pairId: pair.id, vote, confidence: answer.confidence ?? null, ...(gold ? { gold } : {}) },
    });
    await execute(
      tx,
      sql`WITH done AS (UPDATE verification_assignments SET status = ${AssignmentStatus.SUBMITTED}, finished_at = now(), draft = NULL, draft_updated_at = NULL WHERE id = ${assignmentId})
       ${audit}`,
    );
    return { status: 201, body: { voteId, revision: 1 } };
  });
}

/** A gold pair's vote against the vote its prompt's gold ranking implies (kept in the audit entry). */
async function goldComparison(tx: Tx, pair: { promptId: string; chosenCompletionId: string; rejectedCompletionId: string }, vote: Vote) {
  const ranks = await queryRows<{ completionId: string; rank: number }>(
    tx,
    sql`SELECT e.completion_id, e.rank FROM rankings g JOIN ranking_revisions rr ON rr.ranking_id = g.id AND rr.revision = g.revision
         JOIN ranking_entries e ON e.revision_id = rr.id
        WHERE g.prompt_id = ${pair.promptId} AND g.kind = ${RankingKind.GOLD}`,
  );
  const expected = goldVote(new Map(ranks.map((r) => [r.completionId, r.rank])), {
    chosen: pair.chosenCompletionId,
    rejected: pair.rejectedCompletionId,
  });
  return expected === null ? undefined : { expected, agrees: expected === vote };
}

/**
 * Checks an answer's marked spans against the two responses as shown (A and B) and the project's
 * current taxonomy, and stores them with the vote at this revision (earlier revisions keep theirs).
 */
async function storeVoteSpans(
  tx: Tx,
  o: {
    voteId: string;
    voteRevision: number;
    pair: { promptId: string; chosenCompletionId: string; rejectedCompletionId: string };
    chosenShownFirst: boolean;
    spans: readonly PairSpan[] | undefined;
  },
): Promise<void> {
  if (!o.spans?.length) return;
  const rows = await queryRows<{ id: string; text: string; projectId: string }>(
    tx,
    sql`SELECT c.id, c.text, p.project_id FROM completions c JOIN prompts p ON p.id = c.prompt_id
         WHERE c.id IN (${o.pair.chosenCompletionId}::uuid, ${o.pair.rejectedCompletionId}::uuid)`,
  );
  const { version, taxonomy } = await currentTaxonomy(tx, rows[0]!.projectId);
  const spans = o.spans.map(({ side, ...span }) => ({ ...span, completionId: completionOnSide(side, o.pair, o.chosenShownFirst) }));
  const sideOf = (id: string) => (completionOnSide("A", o.pair, o.chosenShownFirst) === id ? "A" : "B");
  assertValidSpans(spans, new Map(rows.map((r) => [r.id, r.text])), taxonomy, (id) => `Response ${sideOf(id)}`);
  await insertCritiqueSpans(tx, { voteId: o.voteId, voteRevision: o.voteRevision }, spans, version);
}

/** One's own vote with its edit window, locked. */
async function ownVote(tx: Tx, voteId: string, userId: string) {
  const v = await queryOne<{
    id: string;
    pairId: string;
    userId: string;
    vote: Vote;
    confidence: number | null;
    chosenShownFirst: boolean | null;
    imported: boolean;
    revision: number;
    editable: boolean;
  }>(
    tx,
    sql`SELECT o.id, o.pair_id, o.user_id, o.vote, o.confidence, o.chosen_shown_first, o.imported, o.revision,
            o.created_at + make_interval(mins => j.edit_window_minutes) > now() AS editable
       FROM verification_votes o JOIN verification_pairs v ON v.id = o.pair_id JOIN verification_sets s ON s.id = v.set_id
       JOIN projects j ON j.id = s.project_id
      WHERE o.id = ${voteId} FOR UPDATE OF o`,
  );
  if (!v || v.userId !== userId || v.imported || v.chosenShownFirst === null) throw new AppError("NOT_FOUND", "No such vote.");
  return { ...v, chosenShownFirst: v.chosenShownFirst };
}

/** Revises one's own vote within the project's edit window (in place, revision + 1, audited); the outcome is recomputed. */
export async function revisePairVote(options: {
  userId: string;
  voteId: string;
  answer: PairAnswerSubmission;
  idempotencyKey: string;
}): Promise<StoredResponse> {
  const { userId, voteId, answer } = options;
  return runIdempotent({ userId, key: options.idempotencyKey, payload: { voteId, answer } }, async (tx) => {
    const pairOf = await queryOne<{ pairId: string }>(
      tx,
      sql`SELECT pair_id FROM verification_votes WHERE id = ${voteId} AND user_id = ${userId}`,
    );
    if (!pairOf) throw new AppError("NOT_FOUND", "No such vote.");
    const pair = await lockPair(tx, pairOf.pairId);
    const before = await ownVote(tx, voteId, userId);
    if (!before.editable) throw new AppError("CONFLICT", "The edit window of this answer has closed; it can no longer be revised.");
    const vote = answerToVote(answer.answer, before.chosenShownFirst);
    const { revision } = await reviseVote(tx, {
      voteId,
      pairId: before.pairId,
      vote,
      confidence: answer.confidence,
      rationale: answer.rationale,
      flags: flagsToStored(answer.flags, before.chosenShownFirst),
      timeOnTaskMs: answer.timeOnTaskMs,
    });
    await storeVoteSpans(tx, { voteId, voteRevision: revision, pair, chosenShownFirst: before.chosenShownFirst, spans: answer.spans });
    await writeAudit(tx, {
      actorId: userId,
      action: "verification.vote.revise",
      entityType: "verification_vote",
      entityId: voteId,
      before: { revision: before.revision, vote: before.vote, confidence: before.confidence },
      after: { revision, vote, confidence: answer.confidence ?? null },
    });
    return { status: 200, body: { voteId, revision } };
  });
}
