/**
 * Krippendorff's alpha for ordinal data, with missing values (Krippendorff 2011, "Computing
 * Krippendorff's Alpha-Reliability"):
 *
 *   α = 1 − (n − 1) Σ_c Σ_k o_ck δ²_ck / Σ_c Σ_k n_c n_k δ²_ck
 *   o_ck = Σ_units (pairs of values c, k from different raters in the unit) / (m_u − 1)
 *   δ²_ck (ordinal) = (Σ_{g=c..k} n_g − (n_c + n_k) / 2)²
 *
 * Units with fewer than two values are not pairable and drop out. Values are dense indices
 * 0..V−1 in their natural order (see `rankValueIndex`); the coincidence matrix is V×V.
 */
export class Coincidences {
  readonly matrix: Float64Array;
  constructor(readonly size: number) {
    this.matrix = new Float64Array(size * size);
  }

  /** Adds one unit's values (one per rater who rated it). */
  addUnit(values: ArrayLike<number>): void {
    const m = values.length;
    if (m < 2) return;
    const w = 1 / (m - 1);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) this.matrix[values[i]! * this.size + values[j]!]! += w;
  }

  /** Completes a matrix filled from sparse contributions, which hold only the cells c ≤ k. */
  mirrorUpperTriangle(): void {
    const v = this.size;
    for (let c = 0; c < v; c++) for (let k = c + 1; k < v; k++) this.matrix[k * v + c] = this.matrix[c * v + k]!;
  }

  alphaOrdinal(): number {
    const v = this.size;
    const marginals = new Float64Array(v);
    let n = 0;
    for (let c = 0; c < v; c++) {
      for (let k = 0; k < v; k++) marginals[c]! += this.matrix[c * v + k]!;
      n += marginals[c]!;
    }
    if (n <= 1) return Number.NaN;
    // cumulative[c] = Σ_{g<c} n_g, so Σ_{g=c..k} n_g = cumulative[k+1] − cumulative[c] for c ≤ k.
    const cumulative = new Float64Array(v + 1);
    for (let c = 0; c < v; c++) cumulative[c + 1] = cumulative[c]! + marginals[c]!;
    let observed = 0;
    let expected = 0;
    for (let c = 0; c < v; c++) {
      if (marginals[c] === 0) continue;
      for (let k = c + 1; k < v; k++) {
        if (marginals[k] === 0) continue;
        const delta = (cumulative[k + 1]! - cumulative[c]! - (marginals[c]! + marginals[k]!) / 2) ** 2;
        observed += 2 * this.matrix[c * v + k]! * delta;
        expected += 2 * marginals[c]! * marginals[k]! * delta;
      }
    }
    if (expected === 0) return Number.NaN;
    return 1 - ((n - 1) * observed) / expected;
  }
}

/**
 * Ordinal alpha of a reliability-data matrix: one row per rater, one column per unit, null
 * where the rater gave no value. Values may be any numbers; their sorted distinct set is the scale.
 */
export function krippendorffAlphaOrdinal(data: readonly (readonly (number | null)[])[]): number {
  const scale = [...new Set(data.flat().filter((x): x is number => x !== null))].sort((a, b) => a - b);
  const index = new Map(scale.map((x, i) => [x, i]));
  const coincidences = new Coincidences(scale.length);
  const units = Math.max(0, ...data.map((row) => row.length));
  for (let u = 0; u < units; u++) {
    const values = data
      .map((row) => row[u])
      .filter((x): x is number => x !== null && x !== undefined)
      .map((x) => index.get(x)!);
    coincidences.addUnit(values);
  }
  return coincidences.alphaOrdinal();
}
