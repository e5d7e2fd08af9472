import type { PairCategory } from "@/lib/export/pair-categories";
import type { EvaluationPair } from "@/lib/rm-eval/accuracy";
import type { Outcome, Vote } from "@/lib/verification/pair-outcome";

/** A kept pair of a verification set (verified or overturned), its categories as kept, and its raters' votes (relative to the source's verdict). */
export interface KeptPairVotes {
  pair: string;
  categories: readonly PairCategory[];
  outcome: Outcome;
  votes: readonly Vote[];
}

/**
 * The original judge as a reward model: its verdict scored 1 for the completion it chose and 0 for
 * the other, so it is right on a verified pair and wrong on an overturned one.
 */
export function judgeAsScores(pairs: readonly KeptPairVotes[]): EvaluationPair[] {
  return pairs.map((p) => {
    const judgeRight = p.outcome !== "OVERTURNED";
    return { pair: p.pair, categories: p.categories, chosenScore: judgeRight ? 1 : 0, rejectedScore: judgeRight ? 0 : 1 };
  });
}

/**
 * The clinicians' consensus as a reward model: each kept completion scored by the votes it got, so
 * their majority decides (a split or tie counts one half, as equal scores do). An adjudicated
 * pair's raters may disagree with the admin's decision.
 */
export function consensusAsScores(pairs: readonly KeptPairVotes[]): EvaluationPair[] {
  return pairs.map((p) => {
    const forSource = p.votes.filter((v) => v === "CHOSEN").length;
    const againstSource = p.votes.filter((v) => v === "REJECTED").length;
    const overturned = p.outcome === "OVERTURNED";
    return {
      pair: p.pair,
      categories: p.categories,
      chosenScore: overturned ? againstSource : forSource,
      rejectedScore: overturned ? forSource : againstSource,
    };
  });
}
