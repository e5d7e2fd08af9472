import { BOOTSTRAP_RESAMPLES, bootstrapWeights, percentileInterval } from "@/lib/agreement/bootstrap";
import { PAIR_CATEGORIES, type PairCategory } from "@/lib/export/pair-categories";

/** One benchmark pair as a reward model scored it: `chosen` is the kept (human-verified or exported) preferred completion. */
export interface EvaluationPair {
  pair: string;
  categories: readonly PairCategory[];
  chosenScore: number;
  rejectedScore: number;
}

/** The keys of every accuracy report, in display order: overall, each category, then the macro average. */
export const ACCURACY_KEYS = ["all", ...PAIR_CATEGORIES, "macro"] as const;
export type AccuracyKey = (typeof ACCURACY_KEYS)[number];
export type CountKey = "all" | PairCategory;

export interface AccuracyReport {
  pairs: number;
  /** Fraction 0–1; null for a category with no pairs (and for macro when no category has any). */
  accuracy: Record<AccuracyKey, number | null>;
  /** 95% percentile bootstrap interval, resampling pairs; null where the accuracy is null. */
  ci95: Record<AccuracyKey, [number, number] | null>;
  counts: Record<CountKey, number>;
  seed: string;
  resamples: number;
}

export interface AccuracyOptions {
  seed?: string;
  resamples?: number;
}

export const DEFAULT_RM_EVAL_SEED = "rm-eval";

/** RewardBench's rule: the chosen completion scored above the rejected one is right (1), equal scores count one half, below is wrong (0). */
export function pairCredit(chosenScore: number, rejectedScore: number): number {
  if (chosenScore > rejectedScore) return 1;
  return chosenScore === rejectedScore ? 0.5 : 0;
}

const GROUPS: readonly CountKey[] = ["all", ...PAIR_CATEGORIES];

/**
 * Accuracy per category, overall and macro-averaged (mean over the categories that have pairs),
 * with 95% percentile bootstrap intervals from resampling pairs (seeded: the same seed gives the
 * same intervals). A resample in which a category draws no pair leaves that category (and macro)
 * out of that resample.
 */
export function evaluateAccuracy(pairs: readonly EvaluationPair[], options: AccuracyOptions = {}): AccuracyReport {
  const seed = options.seed ?? DEFAULT_RM_EVAL_SEED;
  const resamples = options.resamples ?? BOOTSTRAP_RESAMPLES;
  const n = pairs.length;
  const credits = pairs.map((p) => pairCredit(p.chosenScore, p.rejectedScore));
  const members = GROUPS.map((g) => (g === "all" ? pairs.map((_, i) => i) : indexesIn(pairs, g)));
  const counts = Object.fromEntries(GROUPS.map((g, k) => [g, members[k]!.length])) as Record<CountKey, number>;

  const ones = new Uint16Array(n).fill(1);
  const point = groupAccuracies(members, credits, ones);
  const draws: number[][] = GROUPS.map(() => []);
  const macroDraws: number[] = [];
  if (n > 0)
    for (const weights of bootstrapWeights(n, resamples, `rm-eval:${seed}`)) {
      const values = groupAccuracies(members, credits, weights);
      values.forEach((v, k) => draws[k]!.push(v));
      macroDraws.push(macroOf(values, members));
    }

  const accuracy = {} as Record<AccuracyKey, number | null>;
  const ci95 = {} as Record<AccuracyKey, [number, number] | null>;
  GROUPS.forEach((g, k) => {
    accuracy[g] = members[k]!.length > 0 ? point[k]! : null;
    ci95[g] = members[k]!.length > 0 ? percentileInterval(draws[k]!) : null;
  });
  const macro = macroOf(point, members);
  accuracy.macro = Number.isFinite(macro) ? macro : null;
  ci95.macro = accuracy.macro === null ? null : percentileInterval(macroDraws);
  return { pairs: n, accuracy, ci95, counts, seed, resamples };
}

function indexesIn(pairs: readonly EvaluationPair[], category: PairCategory): number[] {
  const out: number[] = [];
  pairs.forEach((p, i) => {
    if (p.categories.includes(category)) out.push(i);
  });
  return out;
}

/** Weighted accuracy of each group (NaN for a group that drew no weight). */
function groupAccuracies(members: readonly number[][], credits: readonly number[], weights: ArrayLike<number>): number[] {
  return members.map((indexes) => {
    let sum = 0;
    let weight = 0;
    for (const i of indexes) {
      sum += weights[i]! * credits[i]!;
      weight += weights[i]!;
    }
    return weight > 0 ? sum / weight : NaN;
  });
}

/** The mean over the categories (not "all") that have pairs; NaN when none has, or one drew no weight. */
function macroOf(values: readonly number[], members: readonly number[][]): number {
  let sum = 0;
  let used = 0;
  GROUPS.forEach((g, k) => {
    if (g === "all" || members[k]!.length === 0) return;
    sum += values[k]!;
    used++;
  });
  return used > 0 ? sum / used : NaN;
}
