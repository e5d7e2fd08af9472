import "server-only";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import type { Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { pairOutcome, type Outcome, type Vote } from "@/lib/verification/pair-outcome";

/** A vote to store: relative to the source's verdict (CHOSEN / REJECTED / TIE / BOTH_BAD). */
export interface NewVote {
  pairId: string;
  userId: string;
  vote: Vote;
  confidence?: number | null;
  rationale?: string | null;
  flags?: string[];
  /** As the rater saw the pair; null for an imported vote. */
  chosenShownFirst: boolean | null;
  timeOnTaskMs?: number | null;
  imported: boolean;
}

export interface LockedPair {
  id: string;
  setId: string;
  promptId: string;
  chosenCompletionId: string;
  rejectedCompletionId: string;
  voteCount: number;
  outcome: Outcome;
  adjudicated: boolean;
  raters: number;
  agree: number;
}

/**
 * Locks a pair's row for the rest of the transaction (claims lock it too, so a vote and a claim of
 * one pair never interleave) and returns it with its set's rule.
 */
export async function lockPair(tx: Tx, pairId: string): Promise<LockedPair> {
  const pair = await queryOne<LockedPair>(
    tx,
    sql`SELECT v.id, v.set_id, v.prompt_id, v.chosen_completion_id, v.rejected_completion_id, v.vote_count, v.outcome,
            v.adjudicated_by_id IS NOT NULL AS adjudicated, s.raters, s.agree
       FROM verification_pairs v JOIN verification_sets s ON s.id = v.set_id
      WHERE v.id = ${pairId} FOR UPDATE OF v`,
  );
  if (!pair) throw new AppError("NOT_FOUND", `No verification pair ${pairId}.`);
  return pair;
}

/**
 * Stores one vote and recomputes its pair's count and outcome, in the caller's transaction, the
 * pair's row locked: the one writer of votes, for the clinicians' task and the import alike.
 * Refused: a second vote of the same rater on the pair, and a vote past the set's k raters.
 */
export async function recordVote(tx: Tx, vote: NewVote): Promise<{ voteId: string; outcome: Outcome; voteCount: number }> {
  const pair = await lockPair(tx, vote.pairId);
  if (pair.voteCount >= pair.raters) throw new AppError("CONFLICT", `This pair already has all its ${pair.raters} votes.`);
  const row = await queryOne<{ id: string }>(
    tx,
    sql`INSERT INTO verification_votes (pair_id, user_id, vote, confidence, rationale, flags, chosen_shown_first, time_on_task_ms, imported)
     VALUES (${vote.pairId}::uuid, ${vote.userId}::uuid, ${vote.vote}::pair_vote, ${vote.confidence ?? null}::int, ${vote.rationale ?? ""},
             ${vote.flags ?? []}::text[], ${vote.chosenShownFirst}::boolean, ${vote.timeOnTaskMs ?? null}::int, ${vote.imported})
     ON CONFLICT (pair_id, user_id) DO NOTHING RETURNING id`,
  );
  if (!row) throw new AppError("CONFLICT", "This rater has already voted on this pair.");
  const settled = await recomputeOutcome(tx, pair);
  return { voteId: row.id, ...settled };
}

/** A revision of a stored vote, in place (revision + 1), and the pair's outcome recomputed. */
export async function reviseVote(
  tx: Tx,
  revision: { voteId: string; pairId: string } & Pick<NewVote, "vote" | "confidence" | "rationale" | "flags" | "timeOnTaskMs">,
): Promise<{ revision: number; outcome: Outcome }> {
  const pair = await lockPair(tx, revision.pairId);
  const row = await queryOne<{ revision: number }>(
    tx,
    sql`UPDATE verification_votes SET vote = ${revision.vote}::pair_vote, confidence = ${revision.confidence ?? null}::int,
            rationale = ${revision.rationale ?? ""}, flags = ${revision.flags ?? []}::text[],
            time_on_task_ms = ${revision.timeOnTaskMs ?? null}::int, revision = revision + 1, updated_at = now()
      WHERE id = ${revision.voteId} AND pair_id = ${revision.pairId} RETURNING revision`,
  );
  if (!row) throw new AppError("NOT_FOUND", "No such vote.");
  const { outcome } = await recomputeOutcome(tx, pair);
  return { revision: row.revision, outcome };
}

/**
 * The pair's vote count and outcome from all its votes (the lead's pairOutcome rule); an
 * adjudicated pair keeps the admin's decision.
 */
async function recomputeOutcome(tx: Tx, pair: LockedPair): Promise<{ outcome: Outcome; voteCount: number }> {
  const votes = (await queryRows<{ vote: Vote }>(tx, sql`SELECT vote FROM verification_votes WHERE pair_id = ${pair.id}`)).map(
    (v) => v.vote,
  );
  const outcome = pair.adjudicated ? pair.outcome : pairOutcome(votes, { raters: pair.raters, agree: pair.agree });
  await execute(
    tx,
    sql`UPDATE verification_pairs SET vote_count = ${votes.length}, outcome = ${outcome}::verification_outcome WHERE id = ${pair.id}`,
  );
  return { outcome, voteCount: votes.length };
}
