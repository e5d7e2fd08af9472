import { pairVerdicts } from "@/lib/agreement/pair-verdicts";

/**
 * Agreement between two rankings of the same candidates, given as rank maps (1 = best; ties as
 * equal ranks). Thin wrappers over `pairVerdicts` for callers holding maps keyed by completion id
 * (gold comparisons, judge permutations); only the candidates both ranked are compared.
 */
type Ranks = ReadonlyMap<string, number>;

function aligned(a: Ranks, b: Ranks): [number[], number[]] {
  const ids = [...a.keys()].filter((id) => b.has(id));
  return [ids.map((id) => a.get(id)!), ids.map((id) => b.get(id)!)];
}

/**
 * Kendall's tau-b: (concordant − discordant) / sqrt((n0 − n1)(n0 − n2)), where n0 = n(n−1)/2
 * and n1, n2 count the pairs tied in each ranking. Undefined (NaN) when either ranking ties
 * every pair. Reference: Kendall (1945), "The treatment of ties in ranking problems".
 */
export function kendallTauB(a: Ranks, b: Ranks): number {
  return pairVerdicts(...aligned(a, b)).tauB;
}

/** Share of candidate pairs on which both give the same verdict (i better, j better, or tie). */
export function pairwiseAgreement(a: Ranks, b: Ranks): number {
  const v = pairVerdicts(...aligned(a, b));
  return v.pairs === 0 ? Number.NaN : v.same / v.pairs;
}

/** Whether both put the same set of candidates first. */
export function top1Match(a: Ranks, b: Ranks): boolean {
  const best = (r: Ranks) => {
    const min = Math.min(...r.values());
    return [...r.entries()]
      .filter(([, v]) => v === min)
      .map(([k]) => k)
      .sort()
      .join("|");
  };
  return best(a) === best(b);
}
