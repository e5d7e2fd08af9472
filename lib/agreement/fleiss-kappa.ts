/**
 * Fleiss' kappa for items rated into categories by a varying number of raters (Fleiss 1971,
 * with per-item agreement weighted equally across items):
 *
 *   Pᵢ = (Σⱼ nᵢⱼ² − nᵢ) / (nᵢ (nᵢ − 1)),  P̄ = mean Pᵢ,  pⱼ = Σᵢ nᵢⱼ / Σᵢ nᵢ,  P̄ₑ = Σⱼ pⱼ²
 *   κ = (P̄ − P̄ₑ) / (1 − P̄ₑ)
 *
 * Items with fewer than two ratings drop out. Each item is a list of category counts (sparse:
 * category index → count). NaN when undefined (no items, or everyone always picks one category).
 */
export interface FleissItem {
  categories: Int32Array;
  counts: Int32Array;
}

export function fleissItem(choices: readonly number[]): FleissItem {
  const counts = new Map<number, number>();
  for (const c of choices) counts.set(c, (counts.get(c) ?? 0) + 1);
  return { categories: Int32Array.from(counts.keys()), counts: Int32Array.from(counts.values()) };
}

export function fleissKappa(items: readonly FleissItem[]): number {
  let agreementSum = 0;
  let itemWeight = 0;
  let ratings = 0;
  const categoryTotals = new Map<number, number>();
  for (const item of items) {
    let n = 0;
    let squares = 0;
    for (let k = 0; k < item.counts.length; k++) {
      n += item.counts[k]!;
      squares += item.counts[k]! * item.counts[k]!;
    }
    if (n < 2) continue;
    agreementSum += (squares - n) / (n * (n - 1));
    itemWeight += 1;
    ratings += n;
    for (let k = 0; k < item.counts.length; k++)
      categoryTotals.set(item.categories[k]!, (categoryTotals.get(item.categories[k]!) ?? 0) + item.counts[k]!);
  }
  if (itemWeight === 0) return Number.NaN;
  const observed = agreementSum / itemWeight;
  let chance = 0;
  for (const total of categoryTotals.values()) chance += (total / ratings) ** 2;
  return chance >= 1 ? Number.NaN : (observed - chance) / (1 - chance);
}
