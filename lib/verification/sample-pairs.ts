import { seededRandom, seededShuffle } from "@/lib/core/seeded-random";
import type { CandidatePairForSet } from "@/lib/verification/candidate-pairs";
import type { Sampling } from "@/lib/verification/verification-config";

const CATEGORY_TURNS = ["easy", "hard", "length"] as const;

/**
 * The pairs a set keeps, in the order they get their positions (the queue serves lower positions
 * first). Deterministic for a seed.
 * - random: a seeded shuffle, the first n;
 * - stratified: each (source dataset, prompt type) stratum in proportion to its size (largest
 *   remainder), then shuffled together;
 * - category: easy, hard and length in turn, so each gets an equal share while it has pairs, then
 *   any pairs left;
 * - uncertain: the judge's least sure pairs first (pairs with nothing known last).
 */
export function samplePairs(pairs: readonly CandidatePairForSet[], n: number, sampling: Sampling, seed: number): CandidatePairForSet[] {
  const random = seededRandom(`${seed}:verification-sample`);
  const shuffled = seededShuffle(pairs, random);
  if (n >= pairs.length && sampling !== "uncertain") return shuffled;
  switch (sampling) {
    case "random":
      return shuffled.slice(0, n);
    case "stratified":
      return seededShuffle(stratified(shuffled, n), random);
    case "category":
      return byCategoryTurns(shuffled, n);
    case "uncertain":
      return shuffled
        .map((pair, order) => ({ pair, order }))
        .sort((a, b) => (b.pair.uncertainty ?? -1) - (a.pair.uncertainty ?? -1) || a.order - b.order)
        .slice(0, n)
        .map((x) => x.pair);
  }
}

function stratified(shuffled: readonly CandidatePairForSet[], n: number): CandidatePairForSet[] {
  const strata = new Map<string, CandidatePairForSet[]>();
  for (const p of shuffled) {
    const key = JSON.stringify([p.source, p.promptType]);
    const list = strata.get(key);
    if (list) list.push(p);
    else strata.set(key, [p]);
  }
  const keys = [...strata.keys()].sort();
  const exact = keys.map((k) => (strata.get(k)!.length * n) / shuffled.length);
  const quotas = exact.map(Math.floor);
  // Largest remainder: the seats left go to the strata with the largest fractional parts (then key order).
  const byRemainder = keys.map((_, i) => i).sort((a, b) => exact[b]! - quotas[b]! - (exact[a]! - quotas[a]!) || a - b);
  for (let left = n - quotas.reduce((a, b) => a + b, 0), i = 0; left > 0; left--, i++) quotas[byRemainder[i]!]! += 1;
  return keys.flatMap((k, i) => strata.get(k)!.slice(0, quotas[i]));
}

function byCategoryTurns(shuffled: readonly CandidatePairForSet[], n: number): CandidatePairForSet[] {
  const taken = new Set<number>();
  const out: CandidatePairForSet[] = [];
  const next = CATEGORY_TURNS.map(() => 0);
  let open = true;
  while (out.length < n && open) {
    open = false;
    for (let t = 0; t < CATEGORY_TURNS.length && out.length < n; t++) {
      while (next[t]! < shuffled.length && (taken.has(next[t]!) || !shuffled[next[t]!]!.categories.includes(CATEGORY_TURNS[t]!)))
        next[t]! += 1;
      if (next[t]! < shuffled.length) {
        taken.add(next[t]!);
        out.push(shuffled[next[t]!]!);
        open = true;
      }
    }
  }
  for (let i = 0; i < shuffled.length && out.length < n; i++) if (!taken.has(i)) out.push(shuffled[i]!);
  return out;
}
