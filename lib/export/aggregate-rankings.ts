import { fractionalRanks, meanRankConsensus } from "@/lib/agreement/fractional-ranks";
import { bradleyTerry } from "@/lib/agreement/model-strengths";
import { pairVerdicts } from "@/lib/agreement/pair-verdicts";
import type { Aggregation } from "@/lib/export/export-config";

/**
 * Several rankings of one prompt's candidates → one ranking (fractional ranks, 1 = best, equal
 * ranks = tie). Every method is symmetric in the candidates, so a tie in the data stays a tie.
 */
export function aggregateRankings(rankings: readonly Float64Array[], method: Aggregation): Float64Array {
  if (rankings.length === 1) return Float64Array.from(rankings[0]!);
  switch (method) {
    case "borda":
      return meanRankConsensus(rankings);
    case "bradley-terry":
      return ranksFromStrengths(bradleyTerryStrengths(rankings));
    case "majority":
      return ranksFromStrengths(copelandScores(rankings));
  }
}

/** Higher strength = better; strengths equal to 1e-9 tie. */
function ranksFromStrengths(strengths: Float64Array): Float64Array {
  return fractionalRanks(Array.from(strengths, (s) => -Math.round(s * 1e9) / 1e9));
}

/** Pairwise wins w[i][j] (i over j) summed over rankings; a tie gives each side half. */
function pairwiseWins(rankings: readonly Float64Array[]): Float64Array[] {
  const n = rankings[0]!.length;
  const wins = Array.from({ length: n }, () => new Float64Array(n));
  for (const r of rankings) {
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (i === j) continue;
        if (r[i]! < r[j]!) wins[i]![j]! += 1;
        else if (r[i] === r[j]) wins[i]![j]! += 0.5;
      }
    }
  }
  return wins;
}

/**
 * Bradley–Terry log-strengths of the candidates from the rankings' pairwise outcomes (a ranking of
 * N is N(N−1)/2 comparisons — the pairwise breaking of Plackett–Luce), fitted by the same MM
 * iterations (with a small pseudo-count) as the model strengths of the agreement dashboard.
 */
export function bradleyTerryStrengths(rankings: readonly Float64Array[]): Float64Array {
  const wins = pairwiseWins(rankings);
  const n = wins.length;
  const flat = new Float64Array(n * n);
  for (let i = 0; i < n; i++) flat.set(wins[i]!, i * n);
  return bradleyTerry(flat, n);
}

/** Copeland scores of the pairwise majority: pairs won by a majority of rankings minus pairs lost. */
export function copelandScores(rankings: readonly Float64Array[]): Float64Array {
  const wins = pairwiseWins(rankings);
  const n = wins.length;
  const score = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      if (wins[i]![j]! > wins[j]![i]!) score[i]! += 1;
      else if (wins[i]![j]! < wins[j]![i]!) score[i]! -= 1;
    }
  }
  return score;
}

/** The rubric's scale; scores of rankings on different scales are mapped onto it before averaging. */
export const RUBRIC_SCORE_SCALE: readonly [number, number] = [1, 5];

/**
 * Mean score per candidate over rankings that may declare different scales. When every ranking
 * that scored anything shares one scale, the mean stays on it (an imported 0–10 file exports 0–10);
 * otherwise each score is mapped linearly onto the rubric's 1–5 first, and that is the scale.
 */
export function meanScoresOnScale(
  rankings: readonly { scores: readonly (number | null)[]; scoreScale: readonly [number, number] }[],
  n: number,
): { scores: (number | null)[]; scale: readonly [number, number] } {
  const scored = rankings.filter((r) => r.scores.some((s) => s !== null && s !== undefined));
  const scales = new Set(scored.map((r) => `${r.scoreScale[0]}:${r.scoreScale[1]}`));
  if (scales.size <= 1) {
    const scale = scored[0]?.scoreScale ?? RUBRIC_SCORE_SCALE;
    return {
      scores: meanScores(
        rankings.map((r) => r.scores),
        n,
      ),
      scale: [scale[0], scale[1]],
    };
  }
  const [lo, hi] = RUBRIC_SCORE_SCALE;
  const onRubric = scored.map((r) =>
    r.scores.map((s) =>
      s === null || s === undefined ? null : lo + ((s - r.scoreScale[0]) / (r.scoreScale[1] - r.scoreScale[0])) * (hi - lo),
    ),
  );
  return { scores: meanScores(onRubric, n), scale: RUBRIC_SCORE_SCALE };
}

/** Mean of the scores given to each candidate (null when nobody scored it). */
export function meanScores(scores: readonly (readonly (number | null)[])[], n: number): (number | null)[] {
  return Array.from({ length: n }, (_, i) => {
    const given = scores.map((s) => s[i]).filter((x): x is number => x !== null && x !== undefined);
    return given.length === 0 ? null : given.reduce((a, b) => a + b, 0) / given.length;
  });
}

/** Mean pairwise agreement (same verdict on a candidate pair) over pairs of rankings; null for one ranking. */
export function rankingAgreement(rankings: readonly Float64Array[]): number | null {
  let total = 0;
  let count = 0;
  for (let a = 0; a < rankings.length; a++) {
    for (let b = a + 1; b < rankings.length; b++) {
      const v = pairVerdicts(rankings[a]!, rankings[b]!);
      if (v.pairs === 0) continue;
      total += v.same / v.pairs;
      count += 1;
    }
  }
  return count === 0 ? null : total / count;
}
