import { bestCandidates, rankValueIndex } from "@/lib/agreement/fractional-ranks";
import { BOOTSTRAP_RESAMPLES, bootstrapWeights, percentileInterval } from "@/lib/agreement/bootstrap";
import { fleissItem, fleissKappa, type FleissItem } from "@/lib/agreement/fleiss-kappa";
import { kendallW } from "@/lib/agreement/kendall-w";
import { Coincidences, sparseCoincidences, type SparseCoincidences } from "@/lib/agreement/krippendorff-alpha";
import { pairVerdicts } from "@/lib/agreement/pair-verdicts";

/** One prompt as rated by several raters: fractional ranks (1 = best) over the same candidates. */
export interface RatedPrompt {
  promptId: string;
  /** The model behind each candidate (Fleiss' categories are the best candidate's model). */
  models: readonly string[];
  raters: readonly { rater: string; ranks: Float64Array }[];
}

export const FIGURE_KEYS = ["pairwiseAgreement", "pairwiseAgreementNoTies", "kendallTauB", "kendallW", "krippendorffAlphaOrdinal", "top1Agreement", "fleissKappaTop1"] as const;
export type FigureKey = (typeof FIGURE_KEYS)[number];
export type Figures = Record<FigureKey, number | null>;

export const FIGURE_LABELS: Record<FigureKey, string> = {
  pairwiseAgreement: "Pairwise agreement",
  pairwiseAgreementNoTies: "Pairwise agreement (no ties)",
  kendallTauB: "Kendall's tau-b",
  kendallW: "Kendall's W",
  krippendorffAlphaOrdinal: "Krippendorff's alpha (ordinal)",
  top1Agreement: "Top-1 agreement",
  fleissKappaTop1: "Fleiss' kappa (top-1)",
};

export interface AgreementFigures extends Figures {
  /** Prompts with at least two raters (the ones agreement is measured on). */
  prompts: number;
  /** Distinct raters over those prompts. */
  raters: number;
  /** Bootstrap 95% intervals (prompts resampled), null where the figure is undefined. */
  ci95: Record<FigureKey, [number, number] | null>;
}

/** What one prompt adds to each pooled figure; pooling is then a weighted sum (fast bootstraps). */
interface Contribution {
  same: number;
  pairs: number;
  untiedSame: number;
  untiedPairs: number;
  tauSum: number;
  tauCount: number;
  w: number;
  top1Same: number;
  top1Pairs: number;
  fleiss: FleissItem;
  coincidences: SparseCoincidences;
}

function contributionOf(prompt: RatedPrompt, categoryOf: (model: string) => number, valueScale: number): Contribution {
  const c: Contribution = { same: 0, pairs: 0, untiedSame: 0, untiedPairs: 0, tauSum: 0, tauCount: 0, w: Number.NaN, top1Same: 0, top1Pairs: 0, fleiss: fleissItem([]), coincidences: { index: new Int32Array(), count: new Float64Array() } };
  const raters = prompt.raters;
  const bests = raters.map((r) => bestCandidates(r.ranks));
  for (let a = 0; a < raters.length; a++) {
    for (let b = a + 1; b < raters.length; b++) {
      const v = pairVerdicts(raters[a]!.ranks, raters[b]!.ranks);
      c.same += v.same;
      c.pairs += v.pairs;
      c.untiedSame += v.untiedSame;
      c.untiedPairs += v.untiedPairs;
      if (Number.isFinite(v.tauB)) {
        c.tauSum += v.tauB;
        c.tauCount += 1;
      }
      c.top1Pairs += 1;
      if (bests[a]!.join() === bests[b]!.join()) c.top1Same += 1;
    }
  }
  c.w = kendallW(raters.map((r) => r.ranks));
  // Raters whose top is tied name no single model: left out of Fleiss' kappa for this prompt.
  c.fleiss = fleissItem(bests.filter((b) => b.length === 1).map((b) => categoryOf(prompt.models[b[0]!]!)));
  const n = prompt.models.length;
  const units = Array.from({ length: n }, (_, i) => raters.map((r) => rankValueIndex(r.ranks[i]!)));
  c.coincidences = sparseCoincidences(units, valueScale);
  return c;
}

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const finite = (x: number) => (Number.isFinite(x) ? x : null);

function pooled(contributions: readonly Contribution[], valueScale: number, weights?: ArrayLike<number>): Figures {
  let same = 0, pairs = 0, untiedSame = 0, untiedPairs = 0, tauSum = 0, tauCount = 0, wSum = 0, wCount = 0, top1Same = 0, top1Pairs = 0;
  const coincidences = new Coincidences(valueScale);
  for (let i = 0; i < contributions.length; i++) {
    const weight = weights ? weights[i]! : 1;
    if (weight === 0) continue;
    const c = contributions[i]!;
    same += weight * c.same;
    pairs += weight * c.pairs;
    untiedSame += weight * c.untiedSame;
    untiedPairs += weight * c.untiedPairs;
    tauSum += weight * c.tauSum;
    tauCount += weight * c.tauCount;
    if (Number.isFinite(c.w)) {
      wSum += weight * c.w;
      wCount += weight;
    }
    top1Same += weight * c.top1Same;
    top1Pairs += weight * c.top1Pairs;
    coincidences.addSparse(c.coincidences, weight);
  }
  return {
    pairwiseAgreement: ratio(same, pairs),
    pairwiseAgreementNoTies: ratio(untiedSame, untiedPairs),
    kendallTauB: ratio(tauSum, tauCount),
    kendallW: ratio(wSum, wCount),
    krippendorffAlphaOrdinal: finite(coincidences.alphaOrdinal()),
    top1Agreement: ratio(top1Same, top1Pairs),
    fleissKappaTop1: finite(fleissKappa(contributions.map((c) => c.fleiss), weights)),
  };
}

export interface FigureOptions {
  /** Bootstrap resamples for the intervals (0 = no intervals). */
  resamples?: number;
  seed?: string | number;
}

/**
 * Every pooled agreement figure over the prompts rated by at least two raters, with seeded
 * bootstrap 95% intervals (prompts resampled with replacement).
 */
export function agreementFigures(prompts: readonly RatedPrompt[], options: FigureOptions = {}): AgreementFigures {
  const rated = prompts.filter((p) => p.raters.length >= 2);
  const categories = new Map<string, number>();
  const categoryOf = (model: string) => {
    let c = categories.get(model);
    if (c === undefined) categories.set(model, (c = categories.size));
    return c;
  };
  const maxCandidates = Math.max(2, ...rated.map((p) => p.models.length));
  const valueScale = 2 * maxCandidates - 1;
  const contributions = rated.map((p) => contributionOf(p, categoryOf, valueScale));
  const point = pooled(contributions, valueScale);
  const samples = Object.fromEntries(FIGURE_KEYS.map((k) => [k, [] as number[]])) as Record<FigureKey, number[]>;
  const resamples = rated.length === 0 ? 0 : (options.resamples ?? BOOTSTRAP_RESAMPLES);
  for (const weights of bootstrapWeights(rated.length, resamples, options.seed ?? 0)) {
    const figures = pooled(contributions, valueScale, weights);
    for (const k of FIGURE_KEYS) if (figures[k] !== null) samples[k].push(figures[k]!);
  }
  const ci95 = Object.fromEntries(FIGURE_KEYS.map((k) => [k, point[k] === null ? null : percentileInterval(samples[k])])) as AgreementFigures["ci95"];
  return { ...point, prompts: rated.length, raters: new Set(rated.flatMap((p) => p.raters.map((r) => r.rater))).size, ci95 };
}
