import { kendallTauB } from "@/lib/agreement/rank-agreement";
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
 * The run's ranking of a prompt from its P permutations: candidates ordered by mean rank, ties
 * broken by mean score (higher first); candidates equal on both stay tied.
 */
export function aggregatePermutations(results: PermutationResult[]): { tiers: Tiers; meanRank: Map<string, number>; meanScore: Map<string, number | null> } {
  const ids = [...new Set(results.flatMap((r) => r.order))];
  const meanRank = new Map(ids.map((id) => [id, mean(results.map((r) => ranksByCompletion(r).get(id)!).filter((x) => x !== undefined))]));
  const meanScore = new Map(
    ids.map((id) => {
      const scores = results.map((r) => scoresByCompletion(r).get(id)).filter((s): s is number => typeof s === "number");
      return [id, scores.length ? mean(scores) : null] as const;
    }),
  );
  const key = (id: string) => [meanRank.get(id)!, -(meanScore.get(id) ?? Number.NEGATIVE_INFINITY)] as const;
  const sorted = [...ids].sort((a, b) => {
    const [ra, sa] = key(a);
    const [rb, sb] = key(b);
    return ra - rb || sa - sb || a.localeCompare(b);
  });
  const tiers: Tiers = [];
  for (const id of sorted) {
    const last = tiers.at(-1);
    const [r, s] = key(id);
    if (last && key(last[0]!)[0] === r && key(last[0]!)[1] === s) last.push(id);
    else tiers.push([id]);
  }
  return { tiers, meanRank, meanScore };
}

/**
 * How consistently a judge ranks a prompt across its permutations: the mean Kendall tau-b over
 * pairs of permutations, and whether all permutations put the same candidates first.
 */
export function positionConsistency(results: PermutationResult[]): { kendallTauB: number | null; top1Agreement: boolean | null } {
  if (results.length < 2) return { kendallTauB: null, top1Agreement: null };
  const byId = results.map(ranksByCompletion);
  const taus: number[] = [];
  for (let i = 0; i < byId.length; i++) for (let j = i + 1; j < byId.length; j++) {
    const t = kendallTauB(byId[i]!, byId[j]!);
    if (!Number.isNaN(t)) taus.push(t);
  }
  const tops = byId.map((r) => {
    const best = Math.min(...r.values());
    return [...r].filter(([, v]) => v === best).map(([k]) => k).sort().join("|");
  });
  return { kendallTauB: taus.length ? mean(taus) : null, top1Agreement: tops.every((t) => t === tops[0]) };
}

/** Mean rank a judge gives to whatever is shown at each position: flat means no position bias. */
export function meanRankByShownPosition(results: PermutationResult[]): number[] {
  const n = Math.max(0, ...results.map((r) => r.order.length));
  return Array.from({ length: n }, (_, i) => mean(results.map((r) => r.ranks.get(i + 1)).filter((x): x is number => x !== undefined)));
}
