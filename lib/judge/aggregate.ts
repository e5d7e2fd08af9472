import { fractionalRanks, meanRankConsensus, sameBest } from "@/lib/agreement/fractional-ranks";
import { pairVerdicts } from "@/lib/agreement/pair-verdicts";
import type { Tiers } from "@/lib/ranking/tiers";

/**
 * One judge call's result mapped back from shown positions to completion ids: `order` is the
 * order the candidates were shown in, `ranks` and `scores` are keyed by shown position (1-based).
 */
export interface PermutationResult {
  order: string[];
  ranks: ReadonlyMap<number, number>;
  scores: ReadonlyMap<number, number | null>;
}

export function ranksByCompletion(result: PermutationResult): Map<string, number> {
  return new Map(result.order.map((id, i) => [id, result.ranks.get(i + 1)!]));
}

function scoresByCompletion(result: PermutationResult): Map<string, number | null> {
  return new Map(result.order.map((id, i) => [id, result.scores.get(i + 1) ?? null]));
}

const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);

/**
 * The one rule for a judge run's ranking of a prompt from its P permutations, used by the run
 * page, the agreement report and exports alike: each permutation's ranks as fractional ranks,
 * candidates ordered by their mean, and equal means stay tied. Scores never break a tie: they are
 * the same judge's verdict already in its ranks, and a tie says the permutations disagreed.
 * `permutationRanks` are aligned arrays, one rank per candidate (1 = best).
 */
export function judgeConsensus(permutationRanks: readonly ArrayLike<number>[]): Float64Array {
  return meanRankConsensus(permutationRanks.map((r) => fractionalRanks(r)));
}

/**
 * How consistently a judge ranks one prompt across its permutations (aligned rank arrays): the
 * mean Kendall tau-b over pairs of permutations (pairs where tau-b is undefined left out), and
 * whether every permutation puts the same candidates first. Null with fewer than two.
 */
export function permutationConsistency(permutationRanks: readonly ArrayLike<number>[]): {
  kendallTauB: number | null;
  top1Agreement: boolean | null;
} {
  if (permutationRanks.length < 2) return { kendallTauB: null, top1Agreement: null };
  const ranks = permutationRanks.map((r) => fractionalRanks(r));
  const taus: number[] = [];
  let sameTop = true;
  for (let i = 0; i < ranks.length; i++) {
    for (let j = i + 1; j < ranks.length; j++) {
      const tau = pairVerdicts(ranks[i]!, ranks[j]!).tauB;
      if (Number.isFinite(tau)) taus.push(tau);
      if (!sameBest(ranks[i]!, ranks[j]!)) sameTop = false;
    }
  }
  return { kendallTauB: taus.length ? mean(taus) : null, top1Agreement: sameTop };
}

/** The permutation results as rank arrays aligned on the completion ids, in id order. */
function alignedRanks(results: PermutationResult[]): { ids: string[]; ranks: Float64Array[] } {
  const ids = [...new Set(results.flatMap((r) => r.order))].sort();
  return {
    ids,
    ranks: results.map((r) => {
      const byId = ranksByCompletion(r);
      return Float64Array.from(ids, (id) => byId.get(id) ?? Number.NaN);
    }),
  };
}

/** The run's ranking of a prompt from its P permutations (the rule of `judgeConsensus`), as tiers, with mean rank and mean score for display. */
export function aggregatePermutations(results: PermutationResult[]): {
  tiers: Tiers;
  meanRank: Map<string, number>;
  meanScore: Map<string, number | null>;
} {
  const { ids, ranks } = alignedRanks(results);
  const meanRank = new Map(ids.map((id, i) => [id, mean(ranks.map((r) => r[i]!))]));
  const meanScore = new Map(
    ids.map((id) => {
      const scores = results.map((r) => scoresByCompletion(r).get(id)).filter((s): s is number => typeof s === "number");
      return [id, scores.length ? mean(scores) : null] as const;
    }),
  );
  const consensus = ids.length ? judgeConsensus(ranks) : new Float64Array();
  const levels = [...new Set(consensus)].sort((a, b) => a - b);
  const tiers: Tiers = levels.map((level) => ids.filter((_, i) => consensus[i] === level));
  return { tiers, meanRank, meanScore };
}

/** `permutationConsistency` of one prompt's permutation results. */
export function positionConsistency(results: PermutationResult[]): { kendallTauB: number | null; top1Agreement: boolean | null } {
  return permutationConsistency(alignedRanks(results).ranks);
}

/** Mean rank a judge gives to whatever is shown at each position: flat means no position bias. */
export function meanRankByShownPosition(results: PermutationResult[]): number[] {
  const n = Math.max(0, ...results.map((r) => r.order.length));
  return Array.from({ length: n }, (_, i) => mean(results.map((r) => r.ranks.get(i + 1)).filter((x): x is number => x !== undefined)));
}
