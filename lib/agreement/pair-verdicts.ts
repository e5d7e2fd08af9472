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
  if (n <= MASKED_CANDIDATES) return countMaskedPairVerdicts(a, ai, b, bi, n, out);
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
  return writeVerdictCounts(out, pairs, same, untiedPairs, untiedSame, tiedA, tiedB);
}

/** The counts into `out`, with Kendall's tau-b from them: concordant − discordant = untiedSame − (untiedPairs − untiedSame). */
function writeVerdictCounts(
  out: PairVerdictCounts,
  pairs: number,
  same: number,
  untiedPairs: number,
  untiedSame: number,
  tiedA: number,
  tiedB: number,
): PairVerdictCounts {
  const denominator = Math.sqrt((pairs - tiedA) * (pairs - tiedB));
  out.pairs = pairs;
  out.same = same;
  out.untiedPairs = untiedPairs;
  out.untiedSame = untiedSame;
  out.tauB = denominator === 0 ? Number.NaN : (2 * untiedSame - untiedPairs) / denominator;
  return out;
}

/** Up to this many candidates, a rater's verdicts on every pair fit one 32-bit mask (8 candidates: 28 pairs). */
const MASKED_CANDIDATES = 8;

/** Set bits of a 32-bit integer. */
function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * `countPairVerdictsAt` for up to 8 candidates: each rater's verdicts as two bit masks over the pairs
 * (i better, j better; neither: a tie), then every count a popcount. The same counts as comparing pair by
 * pair, without a hard-to-predict branch per pair (verdicts of different raters are close to random).
 */
function countMaskedPairVerdicts(
  a: ArrayLike<number>,
  ai: number,
  b: ArrayLike<number>,
  bi: number,
  n: number,
  out: PairVerdictCounts,
): PairVerdictCounts {
  let aAbove = 0,
    aBelow = 0,
    bAbove = 0,
    bBelow = 0,
    bit = 1,
    pairs = 0;
  for (let i = 0; i < n; i++) {
    const x = a[ai + i]!;
    const y = b[bi + i]!;
    for (let j = i + 1; j < n; j++, bit <<= 1, pairs++) {
      const xj = a[ai + j]!;
      const yj = b[bi + j]!;
      aAbove |= x > xj ? bit : 0;
      aBelow |= x < xj ? bit : 0;
      bAbove |= y > yj ? bit : 0;
      bBelow |= y < yj ? bit : 0;
    }
  }
  const aUntied = aAbove | aBelow;
  const bUntied = bAbove | bBelow;
  return writeVerdictCounts(
    out,
    pairs,
    pairs - popcount((aAbove ^ bAbove) | (aBelow ^ bBelow)),
    popcount(aUntied & bUntied),
    popcount((aAbove & bAbove) | (aBelow & bBelow)),
    pairs - popcount(aUntied),
    pairs - popcount(bUntied),
  );
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
