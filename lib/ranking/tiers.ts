/**
 * A ranking as tiers: completion ids grouped best first; a tier of two or more is a tie.
 * [[a], [b, c], [d]] ranks a 1st, b and c tied 2nd, d 4th (standard competition ranking:
 * a candidate's rank is 1 + the number of candidates ranked strictly better).
 */
export type Tiers = string[][];

export function tiersToRanks(tiers: Tiers): Map<string, number> {
  const ranks = new Map<string, number>();
  let better = 0;
  for (const tier of tiers) {
    for (const id of tier) ranks.set(id, better + 1);
    better += tier.length;
  }
  return ranks;
}

/** Tiers from ranks (any ranks where lower is better; equal ranks are ties). */
export function ranksToTiers(ranks: ReadonlyMap<string, number> | Record<string, number>): Tiers {
  const entries = ranks instanceof Map ? [...ranks.entries()] : Object.entries(ranks);
  const byRank = new Map<number, string[]>();
  for (const [id, rank] of entries) byRank.set(rank, [...(byRank.get(rank) ?? []), id]);
  return [...byRank.entries()].sort(([a], [b]) => a - b).map(([, ids]) => ids);
}

/**
 * Fractional ranks: tied candidates share the mean of the positions they span
 * ([[a], [b, c], [d]] gives a 1, b 2.5, c 2.5, d 4), as rank correlation coefficients want.
 */
export function tiersToFractionalRanks(tiers: Tiers): Map<string, number> {
  const ranks = new Map<string, number>();
  let better = 0;
  for (const tier of tiers) {
    const mean = better + (tier.length + 1) / 2;
    for (const id of tier) ranks.set(id, mean);
    better += tier.length;
  }
  return ranks;
}

export function hasTies(tiers: Tiers): boolean {
  return tiers.some((t) => t.length > 1);
}
