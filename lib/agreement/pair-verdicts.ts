/**
 * What two raters say about each candidate pair (i, j) of one prompt: i better, j better, or a
 * tie. Ranks are arrays over the same candidates (1 = best).
 */
export interface PairVerdictCounts {
  /** N(N−1)/2. */
  pairs: number;
  /** Pairs given the same verdict (including both tying). */
  same: number;
  /** Pairs neither rater tied. */
  untiedPairs: number;
  /** Of those, pairs ordered the same way. */
  untiedSame: number;
  /** Kendall's tau-b, NaN when either rater ties every pair. */
  tauB: number;
}

const sign = (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0);

export function pairVerdicts(a: ArrayLike<number>, b: ArrayLike<number>): PairVerdictCounts {
  return countPairVerdicts(a, b, { pairs: 0, same: 0, untiedPairs: 0, untiedSame: 0, tauB: 0 });
}

/** `pairVerdicts` written into `out` (loops over every pair of rankings reuse one object). */
export function countPairVerdicts(a: ArrayLike<number>, b: ArrayLike<number>, out: PairVerdictCounts): PairVerdictCounts {
  return countPairVerdictsAt(a, 0, b, 0, a.length, out);
}

/** `countPairVerdicts` of the n ranks from a[ai] and from b[bi] (rankings of a report's columns, read in place). */
export function countPairVerdictsAt(
  a: ArrayLike<number>,
  ai: number,
  b: ArrayLike<number>,
  bi: number,
  n: number,
  out: PairVerdictCounts,
): PairVerdictCounts {
  let pairs = 0;
  let same = 0;
  let untiedPairs = 0;
  let untiedSame = 0;
  let tiedA = 0;
  let tiedB = 0;
  for (let i = 0; i < n; i++) {
    const ai_ = a[ai + i]!;
    const bi_ = b[bi + i]!;
    for (let j = i + 1; j < n; j++) {
      pairs += 1;
      const da = sign(ai_ - a[ai + j]!);
      const db = sign(bi_ - b[bi + j]!);
      if (da === db) same += 1;
      if (da === 0) tiedA += 1;
      if (db === 0) tiedB += 1;
      if (da !== 0 && db !== 0) {
        untiedPairs += 1;
        if (da === db) untiedSame += 1;
      }
    }
  }
  // concordant − discordant = untiedSame − (untiedPairs − untiedSame)
  const denominator = Math.sqrt((pairs - tiedA) * (pairs - tiedB));
  out.pairs = pairs;
  out.same = same;
  out.untiedPairs = untiedPairs;
  out.untiedSame = untiedSame;
  out.tauB = denominator === 0 ? Number.NaN : (2 * untiedSame - untiedPairs) / denominator;
  return out;
}

/** Share of a ranking's candidate pairs that are tied. */
export function tiedPairShare(ranks: ArrayLike<number>, at = 0, n = ranks.length): number {
  let pairs = 0;
  let tied = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      pairs += 1;
      if (ranks[at + i] === ranks[at + j]) tied += 1;
    }
  }
  return pairs === 0 ? 0 : tied / pairs;
}
