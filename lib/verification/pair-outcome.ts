import type { PairCategory } from "@/lib/export/pair-categories";

/** A vote relative to the source's verdict: for its chosen completion, for its rejected one, a tie, or both unacceptable. */
export type Vote = "CHOSEN" | "REJECTED" | "TIE" | "BOTH_BAD";
export type Outcome = "PENDING" | "VERIFIED" | "OVERTURNED" | "DISPUTED";

export interface AgreementRule {
  /** Raters per pair (k). */
  raters: number;
  /** Raters who must agree (m of k). */
  agree: number;
}

/**
 * A pair's outcome from its votes: verified when at least m votes side with the source's chosen
 * completion, overturned when at least m side with its rejected one, disputed when neither can
 * happen any more with the votes still to come (ties and "both unacceptable" side with neither),
 * else pending. With k = 2, m = 2 one vote each way is disputed at once.
 */
export function pairOutcome(votes: readonly Vote[], rule: AgreementRule): Outcome {
  let chosen = 0;
  let rejected = 0;
  for (const v of votes) {
    if (v === "CHOSEN") chosen++;
    else if (v === "REJECTED") rejected++;
  }
  if (chosen >= rule.agree && chosen > rejected) return "VERIFIED";
  if (rejected >= rule.agree && rejected > chosen) return "OVERTURNED";
  const missing = Math.max(0, rule.raters - votes.length);
  if (chosen + missing < rule.agree && rejected + missing < rule.agree) return "DISPUTED";
  // m ≤ k/2 could let both sides reach m: the pair stays open until one side leads with m.
  if (missing === 0) return "DISPUTED";
  return "PENDING";
}

/** A kept pair's categories: the source's, plus "human" when the raters overturned the source's verdict. */
export function outcomeCategories(categories: readonly string[], outcome: Outcome): PairCategory[] {
  const kept = categories.filter((c): c is PairCategory => c === "easy" || c === "hard" || c === "length");
  return outcome === "OVERTURNED" ? [...kept, "human"] : kept;
}

/** Whether a pair with this outcome is in the verified benchmark (disputed pairs are left out unless adjudicated). */
export const isKept = (outcome: Outcome): boolean => outcome === "VERIFIED" || outcome === "OVERTURNED";

/** The kept pair's orientation: an overturned pair swaps the source's chosen and rejected. */
export function keptOrientation<T>(pair: { chosen: T; rejected: T }, outcome: Outcome): { chosen: T; rejected: T } {
  return outcome === "OVERTURNED" ? { chosen: pair.rejected, rejected: pair.chosen } : { chosen: pair.chosen, rejected: pair.rejected };
}
