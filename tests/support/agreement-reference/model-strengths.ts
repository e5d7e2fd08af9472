import { bootstrapWeights, percentileInterval } from "./bootstrap";

/**
 * Which candidate model beats which: win rates from pairwise verdicts (a tie counts half to each)
 * and Bradley–Terry strengths, P(i beats j) = pᵢ / (pᵢ + pⱼ), fitted by Hunter's (2004) MM
 * iterations pᵢ ← Wᵢ / Σⱼ nᵢⱼ / (pᵢ + pⱼ). A pseudo-count of 0.1 win each way on every pair that
 * met keeps a model that never won finite. Strengths are reported as log pᵢ centred at 0,
 * with seeded bootstrap 95% intervals over prompts.
 */
export interface ModelComparison {
  models: string[];
  /** winRate[i][j]: share of i-vs-j verdicts i won (null where they never met). */
  winRate: (number | null)[][];
  /** Verdicts behind each cell. */
  comparisons: number[][];
  strengths: { model: string; logStrength: number; ci95: [number, number] | null }[];
}

/** One prompt's rankings (fractional ranks) over its candidates' models. */
export interface ModelRatings {
  models: readonly string[];
  rankings: readonly ArrayLike<number>[];
}

const PSEUDO_WINS = 0.1;
const MM_ITERATIONS = 200;
/** Resamples behind the strength intervals (each needs a full fit). */
export const BT_RESAMPLES = 100;

interface PromptWins {
  /** flat i*K+j → wins of i over j */
  cells: Int32Array;
  wins: Float64Array;
}

function promptWins(item: ModelRatings, indexOf: Map<string, number>, k: number): PromptWins {
  const ids = item.models.map((m) => indexOf.get(m)!);
  const n = ids.length;
  const local = new Float64Array(n * n);
  for (const ranks of item.rankings) {
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        if (ranks[a]! < ranks[b]!) local[a * n + b]! += 1;
        else if (ranks[a]! > ranks[b]!) local[b * n + a]! += 1;
        else {
          local[a * n + b]! += 0.5;
          local[b * n + a]! += 0.5;
        }
      }
    }
  }
  const cells: number[] = [];
  const wins: number[] = [];
  for (let a = 0; a < n; a++)
    for (let b = 0; b < n; b++)
      if (local[a * n + b]! > 0) {
        cells.push(ids[a]! * k + ids[b]!);
        wins.push(local[a * n + b]!);
      }
  return { cells: Int32Array.from(cells), wins: Float64Array.from(wins) };
}

function accumulate(items: readonly PromptWins[], k: number, weights?: ArrayLike<number>): Float64Array {
  const matrix = new Float64Array(k * k);
  for (let p = 0; p < items.length; p++) {
    const w = weights ? weights[p]! : 1;
    if (w === 0) continue;
    const item = items[p]!;
    for (let c = 0; c < item.cells.length; c++) matrix[item.cells[c]!]! += w * item.wins[c]!;
  }
  return matrix;
}

/** Log-strengths centred at 0 (NaN for a model with no comparisons). */
export function bradleyTerry(wins: Float64Array, k: number): Float64Array {
  const met = (i: number, j: number) => wins[i * k + j]! + wins[j * k + i]! > 0;
  const w = (i: number, j: number) => wins[i * k + j]! + (met(i, j) ? PSEUDO_WINS : 0);
  let p = new Float64Array(k).fill(1);
  for (let iter = 0; iter < MM_ITERATIONS; iter++) {
    const next = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let won = 0;
      let denominator = 0;
      for (let j = 0; j < k; j++) {
        if (i === j || !met(i, j)) continue;
        won += w(i, j);
        denominator += (w(i, j) + w(j, i)) / (p[i]! + p[j]!);
      }
      next[i] = denominator === 0 ? Number.NaN : won / denominator;
    }
    let logSum = 0,
      counted = 0;
    for (let i = 0; i < k; i++)
      if (Number.isFinite(next[i]!)) {
        logSum += Math.log(next[i]!);
        counted += 1;
      }
    const scale = Math.exp(logSum / Math.max(counted, 1));
    for (let i = 0; i < k; i++) next[i] = next[i]! / scale;
    p = next;
  }
  return p.map((x) => (Number.isFinite(x) ? Math.log(x) : Number.NaN));
}

export function compareModels(
  items: readonly ModelRatings[],
  options: { resamples?: number; seed?: string | number } = {},
): ModelComparison {
  const models = [...new Set(items.flatMap((i) => i.models))].sort();
  const k = models.length;
  const indexOf = new Map(models.map((m, i) => [m, i]));
  const perPrompt = items.map((item) => promptWins(item, indexOf, k));
  const wins = accumulate(perPrompt, k);
  const strengths = bradleyTerry(wins, k);
  const samples: number[][] = models.map(() => []);
  for (const weights of bootstrapWeights(
    perPrompt.length,
    perPrompt.length ? (options.resamples ?? BT_RESAMPLES) : 0,
    `bt:${options.seed ?? 0}`,
  )) {
    const s = bradleyTerry(accumulate(perPrompt, k, weights), k);
    s.forEach((x, i) => samples[i]!.push(x));
  }
  const winRate = models.map((_, i) =>
    models.map((__, j) => {
      const total = wins[i * k + j]! + wins[j * k + i]!;
      return i === j || total === 0 ? null : wins[i * k + j]! / total;
    }),
  );
  const comparisons = models.map((_, i) => models.map((__, j) => (i === j ? 0 : wins[i * k + j]! + wins[j * k + i]!)));
  return {
    models,
    winRate,
    comparisons,
    strengths: models
      .map((model, i) => ({ model, logStrength: strengths[i]!, ci95: percentileInterval(samples[i]!) }))
      .filter((s) => Number.isFinite(s.logStrength))
      .sort((a, b) => b.logStrength - a.logStrength),
  };
}
