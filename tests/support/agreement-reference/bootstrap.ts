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
