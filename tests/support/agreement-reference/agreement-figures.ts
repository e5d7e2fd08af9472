import { bestCandidates, rankValueIndex } from "@/lib/agreement/fractional-ranks";
import { BOOTSTRAP_RESAMPLES, bootstrapWeights, percentileInterval } from "./bootstrap";
import { fleissItem, type FleissItem } from "@/lib/agreement/fleiss-kappa";
import { kendallW } from "@/lib/agreement/kendall-w";
import { Coincidences, sparseCoincidences, type SparseCoincidences } from "./krippendorff-alpha";
import { pairVerdicts } from "@/lib/agreement/pair-verdicts";

/** One prompt as rated by several raters: fractional ranks (1 = best) over the same candidates. */
export interface RatedPrompt {
  promptId: string;
  /** The model behind each candidate (Fleiss' categories are the best candidate's model). */
  models: readonly string[];
  raters: readonly { rater: string; ranks: Float64Array }[];
}

export const FIGURE_KEYS = [
  "pairwiseAgreement",
  "pairwiseAgreementNoTies",
  "kendallTauB",
  "kendallW",
  "krippendorffAlphaOrdinal",
  "top1Agreement",
  "fleissKappaTop1",
] as const;
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
  const c: Contribution = {
    same: 0,
    pairs: 0,
    untiedSame: 0,
    untiedPairs: 0,
    tauSum: 0,
    tauCount: 0,
    w: Number.NaN,
    top1Same: 0,
    top1Pairs: 0,
    fleiss: fleissItem([]),
    coincidences: { index: new Int32Array(), count: new Float64Array() },
  };
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

/**
 * All prompts' contributions packed into flat typed arrays, so a bootstrap resample is one tight
 * loop of multiply-adds (a project of 10k prompts resamples in well under a millisecond).
 */
class PackedContributions {
  readonly n: number;
  private readonly scalars: Float64Array;
  private readonly fleissOffsets: Int32Array;
  private readonly fleissCategories: Int32Array;
  private readonly fleissCounts: Float64Array;
  private readonly cellOffsets: Int32Array;
  private readonly cellIndex: Int32Array;
  private readonly cellCount: Float64Array;
  static readonly FIELDS = 12;

  constructor(
    contributions: readonly Contribution[],
    private readonly valueScale: number,
    private readonly categories: number,
  ) {
    this.n = contributions.length;
    const F = PackedContributions.FIELDS;
    this.scalars = new Float64Array(this.n * F);
    this.fleissOffsets = new Int32Array(this.n + 1);
    this.cellOffsets = new Int32Array(this.n + 1);
    contributions.forEach((c, i) => {
      let fleissN = 0;
      let fleissSquares = 0;
      for (const count of c.fleiss.counts) {
        fleissN += count;
        fleissSquares += count * count;
      }
      const wValid = Number.isFinite(c.w);
      this.scalars.set(
        [
          c.same,
          c.pairs,
          c.untiedSame,
          c.untiedPairs,
          c.tauSum,
          c.tauCount,
          wValid ? c.w : 0,
          wValid ? 1 : 0,
          c.top1Same,
          c.top1Pairs,
          fleissN,
          fleissSquares,
        ],
        i * F,
      );
      this.fleissOffsets[i + 1] = this.fleissOffsets[i]! + (fleissN >= 2 ? c.fleiss.counts.length : 0);
      this.cellOffsets[i + 1] = this.cellOffsets[i]! + c.coincidences.index.length;
    });
    this.fleissCategories = new Int32Array(this.fleissOffsets[this.n]!);
    this.fleissCounts = new Float64Array(this.fleissOffsets[this.n]!);
    this.cellIndex = new Int32Array(this.cellOffsets[this.n]!);
    this.cellCount = new Float64Array(this.cellOffsets[this.n]!);
    contributions.forEach((c, i) => {
      if (this.fleissOffsets[i + 1]! > this.fleissOffsets[i]!) {
        this.fleissCategories.set(c.fleiss.categories, this.fleissOffsets[i]!);
        this.fleissCounts.set(c.fleiss.counts, this.fleissOffsets[i]!);
      }
      this.cellIndex.set(c.coincidences.index, this.cellOffsets[i]!);
      this.cellCount.set(c.coincidences.count, this.cellOffsets[i]!);
    });
  }

  pooled(weights?: ArrayLike<number>): Figures {
    const F = PackedContributions.FIELDS;
    const coincidences = new Coincidences(this.valueScale);
    const matrix = coincidences.matrix;
    const categoryTotals = new Float64Array(this.categories);
    const { scalars: s, cellOffsets, cellIndex, cellCount, fleissOffsets, fleissCategories, fleissCounts } = this;
    let same = 0,
      pairs = 0,
      untiedSame = 0,
      untiedPairs = 0,
      tauSum = 0,
      tauCount = 0,
      wSum = 0,
      wCount = 0,
      top1Same = 0,
      top1Pairs = 0;
    let fleissAgreement = 0,
      fleissItems = 0,
      fleissRatings = 0;
    for (let i = 0; i < this.n; i++) {
      const w = weights ? weights[i]! : 1;
      if (w === 0) continue;
      const b = i * F;
      same += w * s[b]!;
      pairs += w * s[b + 1]!;
      untiedSame += w * s[b + 2]!;
      untiedPairs += w * s[b + 3]!;
      tauSum += w * s[b + 4]!;
      tauCount += w * s[b + 5]!;
      wSum += w * s[b + 6]!;
      wCount += w * s[b + 7]!;
      top1Same += w * s[b + 8]!;
      top1Pairs += w * s[b + 9]!;
      const fleissN = s[b + 10]!;
      if (fleissN >= 2) {
        fleissAgreement += (w * (s[b + 11]! - fleissN)) / (fleissN * (fleissN - 1));
        fleissItems += w;
        fleissRatings += w * fleissN;
        for (let k = fleissOffsets[i]!, end = fleissOffsets[i + 1]!; k < end; k++)
          categoryTotals[fleissCategories[k]!]! += w * fleissCounts[k]!;
      }
      for (let k = cellOffsets[i]!, end = cellOffsets[i + 1]!; k < end; k++) matrix[cellIndex[k]!]! += w * cellCount[k]!;
    }
    const sums = [same, pairs, untiedSame, untiedPairs, tauSum, tauCount, wSum, wCount, top1Same, top1Pairs];
    // Fleiss' kappa as in `fleissKappa`, from the packed per-prompt sums.
    let fleiss: number | null = null;
    if (fleissItems > 0) {
      let chance = 0;
      for (const total of categoryTotals) chance += (total / fleissRatings) ** 2;
      fleiss = chance >= 1 ? null : (fleissAgreement / fleissItems - chance) / (1 - chance);
    }
    return {
      pairwiseAgreement: ratio(sums[0]!, sums[1]!),
      pairwiseAgreementNoTies: ratio(sums[2]!, sums[3]!),
      kendallTauB: ratio(sums[4]!, sums[5]!),
      kendallW: ratio(sums[6]!, sums[7]!),
      krippendorffAlphaOrdinal: (coincidences.mirrorUpperTriangle(), finite(coincidences.alphaOrdinal())),
      top1Agreement: ratio(sums[8]!, sums[9]!),
      fleissKappaTop1: fleiss === null ? null : finite(fleiss),
    };
  }
}

export interface FigureOptions {
  /** Bootstrap resamples for the intervals (0 = no intervals). */
  resamples?: number;
  seed?: string | number;
}

/**
 * The prompts rated by at least two raters, with each prompt's contribution computed once: the
 * project's figures and those of any subset (a source, a prompt type) pool the same contributions.
 */
export class AgreementFigureSet {
  private readonly rated: RatedPrompt[];
  private readonly contributions: Contribution[];
  private readonly valueScale: number;
  private readonly categories: number;

  constructor(prompts: readonly RatedPrompt[]) {
    this.rated = prompts.filter((p) => p.raters.length >= 2);
    const categories = new Map<string, number>();
    const categoryOf = (model: string) => {
      let c = categories.get(model);
      if (c === undefined) categories.set(model, (c = categories.size));
      return c;
    };
    this.valueScale = 2 * Math.max(2, ...this.rated.map((p) => p.models.length)) - 1;
    this.contributions = this.rated.map((p) => contributionOf(p, categoryOf, this.valueScale));
    this.categories = categories.size;
  }

  /** Every pooled figure with seeded bootstrap 95% intervals (prompts resampled with replacement). */
  figures(options: FigureOptions = {}, subset?: ReadonlySet<string>): AgreementFigures {
    const keep = this.rated.map((p) => !subset || subset.has(p.promptId));
    const rated = this.rated.filter((_, i) => keep[i]);
    const packed = new PackedContributions(
      this.contributions.filter((_, i) => keep[i]),
      this.valueScale,
      this.categories,
    );
    const point = packed.pooled();
    const samples = Object.fromEntries(FIGURE_KEYS.map((k) => [k, [] as number[]])) as Record<FigureKey, number[]>;
    const resamples = rated.length === 0 ? 0 : (options.resamples ?? BOOTSTRAP_RESAMPLES);
    for (const weights of bootstrapWeights(rated.length, resamples, options.seed ?? 0)) {
      const figures = packed.pooled(weights);
      for (const k of FIGURE_KEYS) if (figures[k] !== null) samples[k].push(figures[k]!);
    }
    const ci95 = Object.fromEntries(
      FIGURE_KEYS.map((k) => [k, point[k] === null ? null : percentileInterval(samples[k])]),
    ) as AgreementFigures["ci95"];
    return { ...point, prompts: rated.length, raters: new Set(rated.flatMap((p) => p.raters.map((r) => r.rater))).size, ci95 };
  }
}

/** Every pooled agreement figure over the prompts rated by at least two raters, with intervals. */
export function agreementFigures(prompts: readonly RatedPrompt[], options: FigureOptions = {}): AgreementFigures {
  return new AgreementFigureSet(prompts).figures(options);
}
