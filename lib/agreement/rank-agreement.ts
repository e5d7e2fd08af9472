/**
 * Agreement between two rankings of the same candidates, given as rank maps (1 = best; ties as
 * equal ranks, ideally fractional). Pure functions; the agreement views build on them.
 */
type Ranks = ReadonlyMap<string, number>;

function commonIds(a: Ranks, b: Ranks): string[] {
  return [...a.keys()].filter((id) => b.has(id));
}

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

/**
 * Kendall's tau-b: (concordant − discordant) / sqrt((n0 − n1)(n0 − n2)), where n0 = n(n−1)/2
 * and n1, n2 count the pairs tied in each ranking. Undefined (NaN) when either ranking ties
 * every pair. Reference: Kendall (1945), "The treatment of ties in ranking problems".
 */
export function kendallTauB(a: Ranks, b: Ranks): number {
  const ids = commonIds(a, b);
  let concordant = 0;
  let discordant = 0;
  let tiedA = 0;
  let tiedB = 0;
  let pairs = 0;
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      pairs += 1;
      const da = sign(a.get(ids[i]!)! - a.get(ids[j]!)!);
      const db = sign(b.get(ids[i]!)! - b.get(ids[j]!)!);
      if (da === 0) tiedA += 1;
      if (db === 0) tiedB += 1;
      if (da !== 0 && db !== 0) {
        if (da === db) concordant += 1;
        else discordant += 1;
      }
    }
  }
  const denominator = Math.sqrt((pairs - tiedA) * (pairs - tiedB));
  return denominator === 0 ? Number.NaN : (concordant - discordant) / denominator;
}

/** Share of candidate pairs on which both give the same verdict (i better, j better, or tie). */
export function pairwiseAgreement(a: Ranks, b: Ranks): number {
  const ids = commonIds(a, b);
  let same = 0;
  let pairs = 0;
  for (let i = 0; i < ids.length; i++) {
    for (let j = i + 1; j < ids.length; j++) {
      pairs += 1;
      if (sign(a.get(ids[i]!)! - a.get(ids[j]!)!) === sign(b.get(ids[i]!)! - b.get(ids[j]!)!)) same += 1;
    }
  }
  return pairs === 0 ? Number.NaN : same / pairs;
}

/** Whether both put the same set of candidates first. */
export function top1Match(a: Ranks, b: Ranks): boolean {
  const best = (r: Ranks) => {
    const min = Math.min(...r.values());
    return [...r.entries()].filter(([, v]) => v === min).map(([k]) => k).sort().join("|");
  };
  return best(a) === best(b);
}
