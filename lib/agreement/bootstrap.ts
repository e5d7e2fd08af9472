import { seededRandom } from "@/lib/core/seeded-random";

/** Resamples drawn for every confidence interval (percentile bootstrap over prompts). */
export const BOOTSTRAP_RESAMPLES = 1000;

/**
 * `resamples` bootstrap resamples of n items, each as a weight per item (how many times it was
 * drawn), from a seeded generator: the same seed gives the same intervals.
 */
export function* bootstrapWeights(n: number, resamples: number, seed: string | number): Generator<Uint16Array> {
  // Seeded once from mulberry32, then xorshift32 inline: the draws are the hot loop of every interval.
  let state = Math.floor(seededRandom(`bootstrap:${seed}`)() * 4294967295) | 1;
  const weights = new Uint16Array(n);
  for (let b = 0; b < resamples; b++) {
    weights.fill(0);
    for (let i = 0; i < n; i++) {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      weights[Math.floor(((state >>> 0) / 4294967296) * n)]! += 1;
    }
    yield weights;
  }
}

/** The 2.5th and 97.5th percentiles of the finite values (null when there are none). */
export function percentileInterval(values: readonly number[]): [number, number] | null {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return null;
  const at = (q: number) => {
    const pos = q * (finite.length - 1);
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return finite[lo]! + (finite[hi]! - finite[lo]!) * (pos - lo);
  };
  return [at(0.025), at(0.975)];
}

/**
 * Above this many prompts a bootstrap draws its resampled sums from their normal approximation
 * (`SumMoments.normalDraws`) instead of resampling prompts: with n prompts the resampled sums are a
 * sum of n bounded per-prompt contributions, so by the central limit theorem their distribution is
 * normal to within O(1/√n) — far below the Monte-Carlo error of 1,000 percentile draws — and
 * drawing them costs O(dimensions²) per resample instead of O(n · contribution size).
 * Below it, resampling is exact (and gives the same intervals as always on the same seed).
 */
export const NORMAL_BOOTSTRAP_MIN_PROMPTS = 5000;

/**
 * First and second moments of per-prompt contribution vectors xᵢ (dimension d, sparse), from which
 * the multinomial bootstrap's resampled sum S* = Σ wᵢ xᵢ, w ~ Multinomial(n, 1/n), has
 * E[S*] = Σ xᵢ and Cov[S*] = Σ xᵢ xᵢᵀ − (Σ xᵢ)(Σ xᵢ)ᵀ / n exactly.
 */
let orderScratch = new Int32Array(64);

export class SumMoments {
  readonly sum: Float64Array;
  /** Upper triangle (a ≤ b) of Σ xᵢ xᵢᵀ, row-major d×d. */
  private readonly cross: Float64Array;
  count = 0;

  constructor(readonly dimension: number) {
    this.sum = new Float64Array(dimension);
    this.cross = new Float64Array(dimension * dimension);
  }

  /**
   * The moments of `count` contributions already summed: `sum` per dimension and `cross(a, b)` the sum of
   * the products of dimensions a and b (a ≤ b), e.g. summed where the contributions were made.
   */
  static fromSums(count: number, sum: Float64Array, cross: (a: number, b: number) => number): SumMoments {
    const d = sum.length;
    const moments = new SumMoments(d);
    moments.count = count;
    moments.sum.set(sum);
    for (let a = 0; a < d; a++) for (let b = a; b < d; b++) moments.cross[a * d + b] = cross(a, b);
    return moments;
  }

  /** Adds one prompt's contribution: `values[k]` at dimension `dims[k]` for k < length (dims distinct). */
  add(dims: ArrayLike<number>, values: ArrayLike<number>, length = dims.length): void {
    const d = this.dimension;
    const { sum, cross } = this;
    this.count += 1;
    // The prompt's dimensions in increasing order, so each pair is visited once (a ≤ b) rather than
    // every ordered pair tested: every cell still gets exactly one product per prompt, so the sums are the same.
    if (orderScratch.length < length) orderScratch = new Int32Array(2 * length);
    const order = orderScratch;
    for (let k = 0; k < length; k++) {
      let j = k;
      while (j > 0 && dims[order[j - 1]!]! > dims[k]!) {
        order[j] = order[j - 1]!;
        j -= 1;
      }
      order[j] = k;
    }
    for (let a = 0; a < length; a++) {
      const da = dims[order[a]!]!;
      const va = values[order[a]!]!;
      if (va === 0) continue;
      sum[da]! += va;
      const row = da * d;
      for (let b = a; b < length; b++) cross[row + dims[order[b]!]!]! += va * values[order[b]!]!;
    }
  }

  /** The covariance of the resampled sum (full symmetric d×d). */
  covariance(): Float64Array {
    const d = this.dimension;
    const n = this.count;
    const out = new Float64Array(d * d);
    for (let a = 0; a < d; a++)
      for (let b = a; b < d; b++) {
        const c = n === 0 ? 0 : this.cross[a * d + b]! - (this.sum[a]! * this.sum[b]!) / n;
        out[a * d + b] = c;
        out[b * d + a] = c;
      }
    return out;
  }

  /**
   * `draws` seeded draws of the resampled sum from N(E[S*], Cov[S*]): each yielded vector is reused
   * (copy what you keep). Dimensions with no variance (e.g. a count every prompt adds equally) stay exact.
   */
  *normalDraws(draws: number, seed: string | number): Generator<Float64Array> {
    const d = this.dimension;
    const factor = choleskyLower(this.covariance(), d);
    const random = seededRandom(`normal-bootstrap:${seed}`);
    const z = new Float64Array(d);
    const out = new Float64Array(d);
    for (let b = 0; b < draws; b++) {
      for (let i = 0; i < d; i += 2) {
        // Box–Muller: two independent standard normals per pair of uniforms.
        const u = 1 - random();
        const r = Math.sqrt(-2 * Math.log(u));
        const t = 2 * Math.PI * random();
        z[i] = r * Math.cos(t);
        if (i + 1 < d) z[i + 1] = r * Math.sin(t);
      }
      for (let i = 0; i < d; i++) {
        let x = this.sum[i]!;
        for (let j = 0; j <= i; j++) x += factor[i * d + j]! * z[j]!;
        out[i] = x;
      }
      yield out;
    }
  }
}

/**
 * L with L Lᵀ = A for a symmetric positive semi-definite A (d×d): a pivot at or below a relative
 * tolerance (a dimension that is a linear function of others, or constant) gets a zero column.
 */
export function choleskyLower(a: ArrayLike<number>, d: number): Float64Array {
  const l = new Float64Array(d * d);
  let scale = 0;
  for (let i = 0; i < d; i++) scale = Math.max(scale, Math.abs(a[i * d + i]!));
  const tolerance = scale * 1e-12;
  for (let j = 0; j < d; j++) {
    let diagonal = a[j * d + j]!;
    for (let k = 0; k < j; k++) diagonal -= l[j * d + k]! ** 2;
    if (!(diagonal > tolerance)) continue;
    const pivot = Math.sqrt(diagonal);
    l[j * d + j] = pivot;
    for (let i = j + 1; i < d; i++) {
      let x = a[i * d + j]!;
      for (let k = 0; k < j; k++) x -= l[i * d + k]! * l[j * d + k]!;
      l[i * d + j] = x / pivot;
    }
  }
  return l;
}
