import { seededRandom, seededShuffle } from "@/lib/core/seeded-random";

/**
 * The P orders in which a judge sees a prompt's candidates. The first is a seeded shuffle; the
 * others rotate it by j·N/P places, so across the P calls each candidate is shown at positions
 * spread evenly over 1..N (with P = 2 and N = 8, a candidate shown 1st is also shown 5th). The
 * same run seed and prompt give the same orders, so a resumed run asks the same questions.
 */
export function judgePermutations(candidateIds: readonly string[], permutations: number, seed: string): string[][] {
  const n = candidateIds.length;
  if (permutations < 1) throw new Error("at least one permutation");
  const first = seededShuffle([...candidateIds].sort(), seededRandom(seed));
  const orders: string[][] = [];
  const seen = new Set<string>();
  for (let j = 0; j < permutations; j++) {
    const shift = Math.round((j * n) / permutations) % n;
    let order = [...first.slice(shift), ...first.slice(0, shift)];
    // More permutations than rotations: fall back to further seeded shuffles, distinct where possible.
    for (let attempt = 0; seen.has(order.join()) && attempt < 20; attempt++)
      order = seededShuffle(first, seededRandom(`${seed}:${j}:${attempt}`));
    seen.add(order.join());
    orders.push(order);
  }
  return orders;
}
