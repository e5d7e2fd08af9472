/**
 * Kendall's coefficient of concordance W with the correction for ties, for m raters ranking the
 * same n candidates:
 *
 *   W = 12 S / (m² (n³ − n) − m Σ T),  S = Σᵢ (Rᵢ − R̄)²,  T = Σ over each rater's tie groups of (t³ − t)
 *
 * where Rᵢ is candidate i's sum of fractional ranks. 1 = perfect concordance, 0 = none.
 * NaN when undefined (fewer than 2 raters or candidates, or every rater ties everything).
 */
export function kendallW(rankings: readonly ArrayLike<number>[]): number {
  return kendallWAt(rankings, new Int32Array(rankings.length), rankings.length, rankings[0]?.length ?? 0);
}

let sumsScratch = new Float64Array(16);

/** `kendallW` of m rankings of n candidates, rater a's ranks from sources[a][offsets[a]] (read in place). */
export function kendallWAt(sources: readonly ArrayLike<number>[], offsets: ArrayLike<number>, m: number, n: number): number {
  if (m < 2 || n < 2) return Number.NaN;
  if (sumsScratch.length < n) sumsScratch = new Float64Array(n);
  const sums = sumsScratch;
  sums.fill(0, 0, n);
  let tieCorrection = 0;
  for (let a = 0; a < m; a++) {
    const r = sources[a]!;
    const at = offsets[a]!;
    // Σ over tie groups of (t³ − t) = Σ over candidates of (t² − 1), t the size of its group: no map per rater.
    for (let i = 0; i < n; i++) {
      const x = r[at + i]!;
      sums[i]! += x;
      let t = 0;
      for (let j = 0; j < n; j++) if (r[at + j] === x) t += 1;
      tieCorrection += t * t - 1;
    }
  }
  const mean = (m * (n + 1)) / 2;
  let s = 0;
  for (let i = 0; i < n; i++) s += (sums[i]! - mean) ** 2;
  const denominator = m * m * (n * n * n - n) - m * tieCorrection;
  return denominator <= 0 ? Number.NaN : (12 * s) / denominator;
}
