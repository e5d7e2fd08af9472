let orderScratch = new Int32Array(16);

/**
 * Fractional ("average") ranks: 1 = best; candidates that tie share the mean of the positions
 * they span, so [1, 1, 3] and [1, 1, 2] both become [1.5, 1.5, 3]. Lower input = better.
 * Fractional ranks are always multiples of 0.5, which `rankValueIndex` relies on. Written into
 * `out` from `at` when given (one array for every ranking of a report).
 */
export function fractionalRanks(values: ArrayLike<number>, out: Float64Array = new Float64Array(values.length), at = 0): Float64Array {
  const n = values.length;
  // Insertion sort of indices: rankings have at most a few dozen candidates, and this runs per
  // ranking (500k at 100k prompts), so the index array is scratch reused across calls.
  if (orderScratch.length < n) orderScratch = new Int32Array(n);
  const order = orderScratch;
  for (let i = 0; i < n; i++) {
    let j = i;
    while (j > 0 && values[order[j - 1]!]! > values[i]!) {
      order[j] = order[j - 1]!;
      j -= 1;
    }
    order[j] = i;
  }
  let start = 0;
  while (start < n) {
    let end = start;
    while (end + 1 < n && values[order[end + 1]!] === values[order[start]!]) end += 1;
    const shared = (start + end) / 2 + 1;
    for (let k = start; k <= end; k++) out[at + order[k]!] = shared;
    start = end + 1;
  }
  return out;
}

/** Index of a fractional rank among 1, 1.5, 2, 2.5, …: a dense integer for coincidence matrices. */
export function rankValueIndex(fractionalRank: number): number {
  return Math.round(fractionalRank * 2) - 2;
}

/**
 * The consensus of several rankings of the same candidates: fractional ranks of their mean
 * fractional ranks (candidates with equal means stay tied).
 */
export function meanRankConsensus(rankings: readonly Float64Array[]): Float64Array {
  const n = rankings[0]?.length ?? 0;
  const means = new Float64Array(n);
  for (const r of rankings) for (let i = 0; i < n; i++) means[i]! += r[i]! / rankings.length;
  // Round away float noise so equal means compare equal (means of halves over ≤ 64 raters).
  for (let i = 0; i < n; i++) means[i] = Math.round(means[i]! * 1e9) / 1e9;
  return fractionalRanks(means);
}

/** Indices of the best-ranked candidates (several when the top is tied). */
export function bestCandidates(ranks: ArrayLike<number>): number[] {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < ranks.length; i++) min = Math.min(min, ranks[i]!);
  const out: number[] = [];
  for (let i = 0; i < ranks.length; i++) if (ranks[i] === min) out.push(i);
  return out;
}

function minimum(ranks: ArrayLike<number>, at = 0, n = ranks.length): number {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < n; i++) min = Math.min(min, ranks[at + i]!);
  return min;
}

/** Whether two rankings put the same candidates first (no arrays built: this runs per pair of rankings). */
export function sameBest(a: ArrayLike<number>, b: ArrayLike<number>): boolean {
  const minA = minimum(a);
  const minB = minimum(b);
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if ((i < a.length && a[i] === minA) !== (i < b.length && b[i] === minB)) return false;
  return true;
}

/** `sameBest` of the n ranks from a[ai] and from b[bi]. */
export function sameBestAt(a: ArrayLike<number>, ai: number, b: ArrayLike<number>, bi: number, n: number): boolean {
  const minA = minimum(a, ai, n);
  const minB = minimum(b, bi, n);
  for (let i = 0; i < n; i++) if ((a[ai + i] === minA) !== (b[bi + i] === minB)) return false;
  return true;
}

/** The one best candidate's index, or −1 when the top is tied (or there are no candidates). */
export function soleBest(ranks: ArrayLike<number>, at = 0, n = ranks.length): number {
  const min = minimum(ranks, at, n);
  let best = -1;
  for (let i = 0; i < n; i++) {
    if (ranks[at + i] !== min) continue;
    if (best !== -1) return -1;
    best = i;
  }
  return best;
}
