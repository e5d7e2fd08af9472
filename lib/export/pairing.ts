import type { PairingStrategy } from "@/lib/export/export-config";

/** A preference pair: indices of the chosen and the rejected candidate. */
export interface CandidatePair {
  chosen: number;
  rejected: number;
}

export interface PairingOptions {
  strategy: PairingStrategy;
  /** all-pairs: minimum rank gap. */
  margin: number;
  /** topk: how many from the top and from the bottom. */
  topK: number;
  /** quantile: where in the ranking the rejected candidate sits (0 = best, 1 = worst). */
  quantile: number;
}

/** Candidate indices best first (ties by index, so the order is total and deterministic). */
function bestFirst(ranks: ArrayLike<number>): number[] {
  return Array.from({ length: ranks.length }, (_, i) => i).sort((a, b) => ranks[a]! - ranks[b]! || a - b);
}

const pick = (items: readonly number[], random: () => number) => items[Math.floor(random() * items.length)]!;

/**
 * Binarizes one prompt's aggregated ranking (fractional ranks, 1 = best) into preference pairs.
 * A pair always has the chosen candidate strictly better ranked than the rejected one, so tied
 * candidates never form a pair and an all-tied prompt yields none. Where several candidates tie
 * for a role (best, worst), `random` — seeded per prompt — picks one.
 */
export function pairCandidates(ranks: ArrayLike<number>, options: PairingOptions, random: () => number): CandidatePair[] {
  const n = ranks.length;
  if (n < 2) return [];
  const order = bestFirst(ranks);
  const bestRank = ranks[order[0]!]!;
  const worstRank = ranks[order[n - 1]!]!;
  if (bestRank === worstRank) return [];
  const best = order.filter((i) => ranks[i] === bestRank);
  switch (options.strategy) {
    case "best-random": {
      const chosen = pick(best, random);
      return [
        {
          chosen,
          rejected: pick(
            order.filter((i) => ranks[i]! > bestRank),
            random,
          ),
        },
      ];
    }
    case "best-worst": {
      const chosen = pick(best, random);
      return [
        {
          chosen,
          rejected: pick(
            order.filter((i) => ranks[i] === worstRank),
            random,
          ),
        },
      ];
    }
    case "all-pairs": {
      const pairs: CandidatePair[] = [];
      for (const chosen of order)
        for (const rejected of order) if (ranks[rejected]! - ranks[chosen]! >= options.margin) pairs.push({ chosen, rejected });
      return pairs;
    }
    case "topk": {
      const k = Math.min(options.topK, Math.floor(n / 2));
      const top = order.slice(0, k);
      const bottom = order.slice(n - k);
      const pairs: CandidatePair[] = [];
      for (const chosen of top) for (const rejected of bottom) if (ranks[chosen]! < ranks[rejected]!) pairs.push({ chosen, rejected });
      return pairs;
    }
    case "quantile": {
      const chosen = pick(best, random);
      const from = Math.round(options.quantile * (n - 1));
      const rejected = order.slice(from).find((i) => ranks[i]! > bestRank);
      return rejected === undefined ? [] : [{ chosen, rejected }];
    }
  }
}

/** The candidate supervised fine-tuning uses: the best one (a seeded pick among tied bests). */
export function topCandidate(ranks: ArrayLike<number>, random: () => number): number {
  const order = bestFirst(ranks);
  return pick(
    order.filter((i) => ranks[i] === ranks[order[0]!]),
    random,
  );
}

/** A KTO row's completion and its label (true = desirable). */
export interface KtoLabel {
  index: number;
  desirable: boolean;
}

/**
 * Labels a prompt's candidates for KTO from its aggregated ranking, each candidate at most once:
 * - `median`: desirable when ranked strictly better than the middle rank (N + 1) / 2, undesirable
 *   when strictly worse; a candidate on the middle rank — including a tie spanning it — is left out;
 * - `top-k`: desirable when it and every candidate tied with it fit in the top k, undesirable when
 *   they fit in the bottom k (k at most N / 2); the middle and ties across a cut are left out.
 * An all-tied prompt gets no label. Best first, then by candidate index.
 */
export function ktoLabels(ranks: ArrayLike<number>, cut: "median" | "top-k", topK: number): KtoLabel[] {
  const n = ranks.length;
  const labels: KtoLabel[] = [];
  const k = Math.min(topK, Math.floor(n / 2));
  for (const index of bestFirst(ranks)) {
    const r = ranks[index]!;
    let desirable: boolean | null;
    if (cut === "median") {
      const middle = (n + 1) / 2;
      desirable = r < middle ? true : r > middle ? false : null;
    } else {
      let atOrAbove = 0;
      let atOrBelow = 0;
      for (let j = 0; j < n; j++) {
        if (ranks[j]! <= r) atOrAbove += 1;
        if (ranks[j]! >= r) atOrBelow += 1;
      }
      desirable = atOrAbove <= k ? true : atOrBelow <= k ? false : null;
    }
    if (desirable !== null) labels.push({ index, desirable });
  }
  return labels;
}

/** Whether every candidate shares one aggregated rank (nothing to prefer). */
export const allTied = (ranks: ArrayLike<number>) => Array.prototype.every.call(ranks, (r: number) => r === ranks[0]);
