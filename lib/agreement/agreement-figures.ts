import { rankValueIndex, sameBestAt, soleBest } from "@/lib/agreement/fractional-ranks";
import {
  BOOTSTRAP_RESAMPLES,
  bootstrapWeights,
  NORMAL_BOOTSTRAP_MIN_PROMPTS,
  percentileInterval,
  SumMoments,
} from "@/lib/agreement/bootstrap";
import { kendallWAt } from "@/lib/agreement/kendall-w";
import { Coincidences } from "@/lib/agreement/krippendorff-alpha";
import { countPairVerdictsAt, type PairVerdictCounts } from "@/lib/agreement/pair-verdicts";
import { Interner, NumberColumn } from "@/lib/agreement/report-data";

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

const ratio = (a: number, b: number) => (b === 0 ? null : a / b);
const finite = (x: number) => (Number.isFinite(x) ? x : null);

/** What every prompt adds to each pooled figure, packed flat; pooling is then a weighted sum (fast bootstraps). */
interface ContributionArrays {
  /** FIELDS numbers per prompt (see `appendContribution`). */
  scalars: Float64Array;
  /** Prompt i's Fleiss categories and counts: [fleissOffsets[i], fleissOffsets[i + 1]) (empty under two ratings). */
  fleissOffsets: Int32Array;
  fleissCategories: Int32Array;
  fleissCounts: Float64Array;
  /** Prompt i's coincidence cells (c ≤ k, flat into V×V) and counts: [cellOffsets[i], cellOffsets[i + 1]). */
  cellOffsets: Int32Array;
  cellIndex: Int32Array;
  cellCount: Float64Array;
}

const FIELDS = 12;

/** Scratch reused across prompts: each rater's value index per candidate, coincidences, Fleiss tallies. */
let unitScratch = new Int32Array(64);
let cellScratch = new Float64Array(0);
let touchedScratch = new Int32Array(0);
let fleissScratch = new Int32Array(0);
let fleissCountScratch = new Float64Array(0);
const verdicts: PairVerdictCounts = { pairs: 0, same: 0, untiedPairs: 0, untiedSame: 0, tauB: 0 };

/** Builds the packed contributions one prompt at a time, writing no object per prompt. */
class ContributionBuilder {
  private readonly scalars = new NumberColumn();
  private readonly fleissOffsets = new NumberColumn(0);
  private readonly fleissCategories = new NumberColumn();
  private readonly fleissCounts = new NumberColumn();
  private readonly cellOffsets = new NumberColumn(0);
  private readonly cellIndex = new NumberColumn();
  private readonly cellCount = new NumberColumn();

  constructor(
    private readonly categoryOf: (model: number) => number,
    private readonly valueScale: number,
  ) {}

  /**
   * Adds one prompt of n candidates rated by m raters: rater a's ranks are n numbers from
   * sources[a][offsets[a]], candidate i's model is models[modelAt + i] (read in place).
   */
  add(m: number, n: number, sources: readonly Float64Array[], offsets: Int32Array, models: Int32Array, modelAt: number): void {
    let same = 0,
      pairs = 0,
      untiedSame = 0,
      untiedPairs = 0,
      tauSum = 0,
      tauCount = 0,
      top1Same = 0,
      top1Pairs = 0;
    for (let a = 0; a < m; a++) {
      for (let b = a + 1; b < m; b++) {
        countPairVerdictsAt(sources[a]!, offsets[a]!, sources[b]!, offsets[b]!, n, verdicts);
        same += verdicts.same;
        pairs += verdicts.pairs;
        untiedSame += verdicts.untiedSame;
        untiedPairs += verdicts.untiedPairs;
        if (Number.isFinite(verdicts.tauB)) {
          tauSum += verdicts.tauB;
          tauCount += 1;
        }
        top1Pairs += 1;
        if (sameBestAt(sources[a]!, offsets[a]!, sources[b]!, offsets[b]!, n)) top1Same += 1;
      }
    }
    const w = kendallWAt(sources, offsets, m, n);
    const wValid = Number.isFinite(w);
    // Raters whose top is tied name no single model: left out of Fleiss' kappa for this prompt.
    // Tallied in scratch and kept only with two ratings or more: pushing, then cutting the shared
    // arrays back (their length set lower) made V8 copy them whole on the next push.
    if (fleissScratch.length < m) {
      fleissScratch = new Int32Array(2 * m);
      fleissCountScratch = new Float64Array(2 * m);
    }
    let categories = 0;
    let fleissN = 0;
    for (let a = 0; a < m; a++) {
      const best = soleBest(sources[a]!, offsets[a]!, n);
      if (best === -1) continue;
      const category = this.categoryOf(models[modelAt + best]!);
      fleissN += 1;
      let k = 0;
      while (k < categories && fleissScratch[k] !== category) k++;
      if (k === categories) {
        fleissScratch[categories] = category;
        fleissCountScratch[categories++] = 1;
      } else fleissCountScratch[k]! += 1;
    }
    let fleissSquares = 0;
    for (let k = 0; k < categories; k++) fleissSquares += fleissCountScratch[k]! ** 2;
    if (fleissN >= 2)
      for (let k = 0; k < categories; k++) {
        this.fleissCategories.push(fleissScratch[k]!);
        this.fleissCounts.push(fleissCountScratch[k]!);
      }
    this.fleissOffsets.push(this.fleissCategories.length);
    const scalars = this.scalars;
    scalars.push(same);
    scalars.push(pairs);
    scalars.push(untiedSame);
    scalars.push(untiedPairs);
    scalars.push(tauSum);
    scalars.push(tauCount);
    scalars.push(wValid ? w : 0);
    scalars.push(wValid ? 1 : 0);
    scalars.push(top1Same);
    scalars.push(top1Pairs);
    scalars.push(fleissN);
    scalars.push(fleissSquares);
    this.addCoincidences(m, n, sources, offsets);
  }

  /** The prompt's coincidences; the matrix is symmetric, so only the cells c ≤ k are kept (see `mirrorUpperTriangle`). */
  private addCoincidences(m: number, n: number, sources: readonly Float64Array[], offsets: Int32Array): void {
    const size = this.valueScale;
    // Only the cells this prompt touches are kept and cleared again (not all size² scanned per prompt).
    if (cellScratch.length < size * size) cellScratch = new Float64Array(size * size);
    const dense = cellScratch;
    if (touchedScratch.length < size * size) touchedScratch = new Int32Array(size * size);
    const touched = touchedScratch;
    let count = 0;
    if (unitScratch.length < m) unitScratch = new Int32Array(m);
    const values = unitScratch;
    if (m >= 2) {
      const w = 1 / (m - 1);
      for (let unit = 0; unit < n; unit++) {
        for (let r = 0; r < m; r++) values[r] = rankValueIndex(sources[r]![offsets[r]! + unit]!);
        for (let i = 0; i < m; i++)
          for (let j = 0; j < m; j++)
            if (i !== j) {
              const a = values[i]!;
              const b = values[j]!;
              const cell = a === b ? a * size + a : a < b ? a * size + b : b * size + a;
              if (dense[cell] === 0) touched[count++] = cell;
              dense[cell]! += a === b ? w : w / 2;
            }
      }
    }
    // In increasing cell order, as a scan of the matrix would list them.
    for (let k = 1; k < count; k++) {
      const cell = touched[k]!;
      let j = k;
      while (j > 0 && touched[j - 1]! > cell) {
        touched[j] = touched[j - 1]!;
        j -= 1;
      }
      touched[j] = cell;
    }
    for (let k = 0; k < count; k++) {
      const cell = touched[k]!;
      this.cellIndex.push(cell);
      this.cellCount.push(dense[cell]!);
      dense[cell] = 0;
    }
    this.cellOffsets.push(this.cellIndex.length);
  }

  build(): ContributionArrays {
    return {
      scalars: this.scalars.values(),
      fleissOffsets: new Int32Array(this.fleissOffsets.values()),
      fleissCategories: new Int32Array(this.fleissCategories.values()),
      fleissCounts: this.fleissCounts.values(),
      cellOffsets: new Int32Array(this.cellOffsets.values()),
      cellIndex: new Int32Array(this.cellIndex.values()),
      cellCount: this.cellCount.values(),
    };
  }
}

/**
 * All prompts' contributions packed into flat typed arrays, so a bootstrap resample is one tight
 * loop of multiply-adds (a project of 10k prompts resamples in well under a millisecond).
 */
class PackedContributions {
  /** How many prompts are pooled: the i-th is row rows[i] of the arrays (row i when rows is null). */
  readonly n: number;
  private readonly scalars: Float64Array;
  private readonly fleissOffsets: Int32Array;
  private readonly fleissCategories: Int32Array;
  private readonly fleissCounts: Float64Array;
  private readonly cellOffsets: Int32Array;
  private readonly cellIndex: Int32Array;
  private readonly cellCount: Float64Array;

  /** `rows`: the prompts pooled, read in place (a subset costs no copy of its contributions). */
  constructor(
    private readonly arrays: ContributionArrays,
    private readonly valueScale: number,
    private readonly categories: number,
    private readonly rows: Int32Array | null = null,
  ) {
    this.n = rows ? rows.length : arrays.fleissOffsets.length - 1;
    ({
      scalars: this.scalars,
      fleissOffsets: this.fleissOffsets,
      fleissCategories: this.fleissCategories,
      fleissCounts: this.fleissCounts,
      cellOffsets: this.cellOffsets,
      cellIndex: this.cellIndex,
      cellCount: this.cellCount,
    } = arrays);
  }

  pooled(weights?: ArrayLike<number>): Figures {
    const F = FIELDS;
    const coincidences = new Coincidences(this.valueScale);
    const matrix = coincidences.matrix;
    const categoryTotals = new Float64Array(this.categories);
    const { scalars: s, cellOffsets, cellIndex, cellCount, fleissOffsets, fleissCategories, fleissCounts, rows } = this;
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
      const p = rows === null ? i : rows[i]!;
      const b = p * F;
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
        for (let k = fleissOffsets[p]!, end = fleissOffsets[p + 1]!; k < end; k++)
          categoryTotals[fleissCategories[k]!]! += w * fleissCounts[k]!;
      }
      for (let k = cellOffsets[p]!, end = cellOffsets[p + 1]!; k < end; k++) matrix[cellIndex[k]!]! += w * cellCount[k]!;
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

  /**
   * Each figure over `draws` resamples drawn from the normal approximation of the resampled sums
   * it is a function of (see NORMAL_BOOTSTRAP_MIN_PROMPTS): the same sums `pooled` forms, so only
   * the way the resampled sums are drawn differs from resampling prompts.
   */
  normalSamples(draws: number, seed: string | number, moments?: FigureMoments): Record<FigureKey, number[]> {
    if (!moments) {
      moments = new FigureMoments(this.arrays, this.valueScale, this.categories);
      for (let i = 0; i < this.n; i++) moments.add(this.rows === null ? i : this.rows[i]!);
    }
    return moments.samples(draws, seed);
  }
}

/** The five figures that are a ratio of two sums: (key, numerator's field; the denominator's is next). */
const RATIO_FIELDS: [FigureKey, number][] = [
  ["pairwiseAgreement", 0],
  ["pairwiseAgreementNoTies", 2],
  ["kendallTauB", 4],
  ["kendallW", 6],
  ["top1Agreement", 8],
];

/**
 * First and second moments of the sums behind every figure over a set of prompts, added a prompt at a
 * time (`add`), from which `samples` draws the normal bootstrap. One pass over the prompts can feed one
 * per group of a partition. Each sum adds the same products in the same order as summing the prompts'
 * contributions one set at a time would, so the draws are the same to the bit.
 */
class FigureMoments {
  count = 0;
  /** Per ratio figure: Σx, Σy, Σx², Σxy, Σy² (x its numerator, y its denominator; a zero adds nothing to its row). */
  private readonly ratioSums = new Float64Array(5 * RATIO_FIELDS.length);
  /** Fleiss' kappa: (Σ Pᵢ, items, ratings, total per category). */
  private readonly fleiss: SumMoments;
  private readonly fleissDims: Int32Array;
  private readonly fleissValues: Float64Array;
  /** Krippendorff's alpha: each coincidence cell's sum, the cells in order of first appearance, and the sums of products of two cells. */
  private readonly cellSum: Float64Array;
  private readonly cells: number[] = [];
  /**
   * Σ over prompts of the product of two of its cells, at triangleOf[c]·T + triangleOf[c'] for cells c ≤ c' (a prompt's
   * cells come in increasing order, and so do their indices in the triangle: no sort per prompt).
   */
  private readonly cellCross: Float64Array;
  private readonly triangleOf: Int32Array;
  private readonly triangle: number;

  constructor(
    private readonly arrays: ContributionArrays,
    private readonly valueScale: number,
    private readonly categories: number,
  ) {
    this.fleiss = new SumMoments(3 + categories);
    this.fleissDims = new Int32Array(3 + categories);
    this.fleissValues = new Float64Array(3 + categories);
    const v = valueScale;
    this.cellSum = new Float64Array(v * v);
    // Cells c ≤ k of the v×v matrix (the only ones contributions hold), numbered row by row.
    this.triangleOf = new Int32Array(v * v).fill(-1);
    let t = 0;
    for (let c = 0; c < v; c++) for (let k = c; k < v; k++) this.triangleOf[c * v + k] = t++;
    this.triangle = t;
    this.cellCross = new Float64Array(t * t);
  }

  /** Adds row p of the contributions. */
  add(p: number): void {
    const F = FIELDS;
    const { scalars: s, fleissOffsets, fleissCategories, fleissCounts, cellOffsets, cellIndex, cellCount } = this.arrays;
    this.count += 1;
    const sums = this.ratioSums;
    for (let r = 0; r < RATIO_FIELDS.length; r++) {
      const x = s[p * F + RATIO_FIELDS[r]![1]]!;
      const y = s[p * F + RATIO_FIELDS[r]![1] + 1]!;
      if (x !== 0) {
        sums[5 * r]! += x;
        sums[5 * r + 2]! += x * x;
        sums[5 * r + 3]! += x * y;
      }
      if (y !== 0) {
        sums[5 * r + 1]! += y;
        sums[5 * r + 4]! += y * y;
      }
    }
    const fleissN = s[p * F + 10]!;
    const dims = this.fleissDims;
    const values = this.fleissValues;
    if (fleissN < 2) this.fleiss.add(dims, values, 0);
    else {
      dims[0] = 0;
      dims[1] = 1;
      dims[2] = 2;
      values[0] = (s[p * F + 11]! - fleissN) / (fleissN * (fleissN - 1));
      values[1] = 1;
      values[2] = fleissN;
      let length = 3;
      for (let k = fleissOffsets[p]!, end = fleissOffsets[p + 1]!; k < end; k++, length++) {
        dims[length] = 3 + fleissCategories[k]!;
        values[length] = fleissCounts[k]!;
      }
      this.fleiss.add(dims, values, length);
    }
    const { cellSum, cellCross, triangleOf, triangle } = this;
    for (let k = cellOffsets[p]!, end = cellOffsets[p + 1]!; k < end; k++) {
      const cell = cellIndex[k]!;
      const value = cellCount[k]!;
      // A cell's sum is zero until it first appears (counts are positive).
      if (cellSum[cell] === 0) this.cells.push(cell);
      cellSum[cell]! += value;
      const row = triangleOf[cell]! * triangle;
      for (let j = k; j < end; j++) cellCross[row + triangleOf[cellIndex[j]!]!]! += value * cellCount[j]!;
    }
  }

  samples(draws: number, seed: string | number): Record<FigureKey, number[]> {
    const samples = Object.fromEntries(FIGURE_KEYS.map((k) => [k, [] as number[]])) as Record<FigureKey, number[]>;
    const keep = (key: FigureKey, x: number | null) => {
      if (x !== null && Number.isFinite(x)) samples[key].push(x);
    };
    RATIO_FIELDS.forEach(([key], r) => {
      const sums = this.ratioSums.subarray(5 * r, 5 * r + 5);
      const moments = SumMoments.fromSums(this.count, sums.subarray(0, 2), (a, b) => sums[2 + a + b]!);
      for (const x of moments.normalDraws(draws, `${seed}:${key}`)) keep(key, ratio(x[0]!, x[1]!));
    });
    for (const x of this.fleiss.normalDraws(draws, `${seed}:fleissKappaTop1`)) {
      if (!(x[1]! > 0)) continue;
      let chance = 0;
      for (let c = 0; c < this.categories; c++) chance += (x[3 + c]! / x[2]!) ** 2;
      keep("fleissKappaTop1", chance >= 1 ? null : (x[0]! / x[1]! - chance) / (1 - chance));
    }
    // Krippendorff's alpha: the coincidence cells any prompt fills, as dimensions (in order of first appearance).
    const { cells, cellSum, cellCross, triangleOf, triangle } = this;
    const alpha = SumMoments.fromSums(
      this.count,
      Float64Array.from(cells, (cell) => cellSum[cell]!),
      (a, b) => {
        const [ta, tb] = [triangleOf[cells[a]!]!, triangleOf[cells[b]!]!];
        return cellCross[Math.min(ta, tb) * triangle + Math.max(ta, tb)]!;
      },
    );
    const coincidences = new Coincidences(this.valueScale);
    for (const x of alpha.normalDraws(draws, `${seed}:krippendorffAlphaOrdinal`)) {
      coincidences.matrix.fill(0);
      cells.forEach((cell, d) => (coincidences.matrix[cell] = x[d]!));
      coincidences.mirrorUpperTriangle();
      keep("krippendorffAlphaOrdinal", coincidences.alphaOrdinal());
    }
    return samples;
  }
}

export interface FigureOptions {
  /** Bootstrap resamples for the intervals (0 = no intervals). */
  resamples?: number;
  seed?: string | number;
  /** From this many prompts on, intervals come from the normal approximation (default NORMAL_BOOTSTRAP_MIN_PROMPTS). */
  normalBootstrapMinPrompts?: number;
}

/**
 * Rated prompts handed over one at a time, read in place: `add` is called once per prompt with
 * its raters' ranks (n numbers from sources[a][offsets[a]]), their rater keys (to count distinct
 * raters) and its candidates' model indices (models[modelAt + i]). `key` names the prompt for subsets.
 */
export type RatedPromptSource = (
  add: (
    key: number,
    m: number,
    n: number,
    sources: readonly Float64Array[],
    offsets: Int32Array,
    raterKeys: ArrayLike<number>,
    models: Int32Array,
    modelAt: number,
  ) => void,
) => void;

/**
 * The prompts rated by at least two raters, with each prompt's contribution computed once: the
 * project's figures and those of any subset (a source, a prompt type) pool the same contributions.
 */
export class AgreementFigureSet {
  /** Key of each rated prompt (≥ 2 raters), in order. */
  private readonly keys: Int32Array;
  /** The rater keys of rated prompt i: raterKeys[raterStart[i]..raterStart[i + 1]). */
  private readonly raterStart: Int32Array;
  private readonly raterKeys: Int32Array;
  /** The range of the rater keys (negative ones too: the judge-vs-consensus views name the consensus −1). */
  private leastRaterKey = 0;
  private mostRaterKey = -1;
  private readonly contributions: ContributionArrays;
  private readonly valueScale: number;
  private readonly categories: number;

  /** From prompts as objects (prompt i's key is i). */
  constructor(prompts: readonly RatedPrompt[] | { source: RatedPromptSource; mostCandidates: number }) {
    let source: RatedPromptSource;
    let most = 2;
    if (Array.isArray(prompts)) {
      const list = prompts as readonly RatedPrompt[];
      for (const p of list) if (p.raters.length >= 2) most = Math.max(most, p.models.length);
      const models = new Interner();
      const raterNames = new Interner();
      source = (add) =>
        list.forEach((p, key) => {
          const m = p.raters.length;
          add(
            key,
            m,
            p.models.length,
            p.raters.map((r) => r.ranks),
            new Int32Array(m),
            p.raters.map((r) => raterNames.of(r.rater)),
            Int32Array.from(p.models, (model) => models.of(model)),
            0,
          );
        });
    } else {
      source = (prompts as { source: RatedPromptSource }).source;
      most = Math.max(most, (prompts as { mostCandidates: number }).mostCandidates);
    }
    // Categories (models) numbered in order of first appearance as some rater's sole best.
    let categoryOfModel = new Int32Array(16).fill(-1);
    let categories = 0;
    const categoryOf = (model: number) => {
      if (model >= categoryOfModel.length) {
        const grown = new Int32Array(Math.max(2 * categoryOfModel.length, model + 1)).fill(-1);
        grown.set(categoryOfModel);
        categoryOfModel = grown;
      }
      if (categoryOfModel[model] === -1) categoryOfModel[model] = categories++;
      return categoryOfModel[model]!;
    };
    this.valueScale = 2 * most - 1;
    const builder = new ContributionBuilder(categoryOf, this.valueScale);
    const keys = new NumberColumn();
    const raterStart = new NumberColumn(0);
    const raterKeys = new NumberColumn();
    source((key, m, n, sources, offsets, promptRaters, models, modelAt) => {
      if (m < 2) return;
      keys.push(key);
      for (let a = 0; a < m; a++) raterKeys.push(promptRaters[a]!);
      raterStart.push(raterKeys.length);
      builder.add(m, n, sources, offsets, models, modelAt);
    });
    this.keys = new Int32Array(keys.values());
    this.raterStart = new Int32Array(raterStart.values());
    this.raterKeys = new Int32Array(raterKeys.values());
    for (const key of this.raterKeys) {
      this.leastRaterKey = Math.min(this.leastRaterKey, key);
      this.mostRaterKey = Math.max(this.mostRaterKey, key);
    }
    this.contributions = builder.build();
    this.categories = categories;
  }

  /** Every pooled figure with seeded bootstrap 95% intervals (prompts resampled with replacement). */
  figures(options: FigureOptions = {}): AgreementFigures {
    return this.figuresOf(options, null);
  }

  /**
   * The figures of each group of a partition of the prompts (groupOfKey[key]: the group of the prompt of
   * that key, in [0, groups), or −1 for none), each the same as `figures` over that group's prompts alone:
   * one pass over the prompts sums the moments of every group's normal bootstrap.
   */
  figuresByGroup(groupOfKey: Int32Array, groups: number, optionsOf: (group: number) => FigureOptions): AgreementFigures[] {
    const { keys } = this;
    const counts = new Int32Array(groups);
    for (let i = 0; i < keys.length; i++) if (groupOfKey[keys[i]!]! >= 0) counts[groupOfKey[keys[i]!]!]! += 1;
    const rows = Array.from(counts, (count) => new Int32Array(count));
    const filled = new Int32Array(groups);
    for (let i = 0; i < keys.length; i++) {
      const group = groupOfKey[keys[i]!]!;
      if (group >= 0) rows[group]![filled[group]!++] = i;
    }
    const moments = rows.map((groupRows, group) =>
      groupRows.length >= (optionsOf(group).normalBootstrapMinPrompts ?? NORMAL_BOOTSTRAP_MIN_PROMPTS)
        ? new FigureMoments(this.contributions, this.valueScale, this.categories)
        : undefined,
    );
    for (let i = 0; i < keys.length; i++) {
      const group = groupOfKey[keys[i]!]!;
      if (group >= 0) moments[group]?.add(i);
    }
    return rows.map((groupRows, group) => this.figuresOf(optionsOf(group), groupRows, moments[group]));
  }

  /** The figures over the rated prompts `rows` (all when null); `moments`: theirs, when already summed. */
  private figuresOf(options: FigureOptions, rows: Int32Array | null, moments?: FigureMoments): AgreementFigures {
    const count = rows ? rows.length : this.keys.length;
    const packed = new PackedContributions(this.contributions, this.valueScale, this.categories, rows);
    const point = packed.pooled();
    const resamples = count === 0 ? 0 : (options.resamples ?? BOOTSTRAP_RESAMPLES);
    const seed = options.seed ?? 0;
    let samples: Record<FigureKey, number[]>;
    if (count >= (options.normalBootstrapMinPrompts ?? NORMAL_BOOTSTRAP_MIN_PROMPTS)) {
      samples = packed.normalSamples(resamples, seed, moments);
    } else {
      samples = Object.fromEntries(FIGURE_KEYS.map((k) => [k, [] as number[]])) as Record<FigureKey, number[]>;
      for (const weights of bootstrapWeights(count, resamples, seed)) {
        const figures = packed.pooled(weights);
        for (const k of FIGURE_KEYS) if (figures[k] !== null) samples[k].push(figures[k]!);
      }
    }
    const ci95 = Object.fromEntries(
      FIGURE_KEYS.map((k) => [k, point[k] === null ? null : percentileInterval(samples[k])]),
    ) as AgreementFigures["ci95"];
    return { ...point, prompts: count, raters: this.distinctRaters(rows), ci95 };
  }

  /** Distinct raters over the rows (all when null). */
  private distinctRaters(rows: Int32Array | null): number {
    const { raterStart, raterKeys, leastRaterKey: least } = this;
    const seen = new Uint8Array(this.mostRaterKey - least + 1);
    let distinct = 0;
    const n = rows ? rows.length : this.keys.length;
    for (let i = 0; i < n; i++) {
      const row = rows ? rows[i]! : i;
      for (let k = raterStart[row]!; k < raterStart[row + 1]!; k++)
        if (seen[raterKeys[k]! - least] === 0) {
          seen[raterKeys[k]! - least] = 1;
          distinct += 1;
        }
    }
    return distinct;
  }
}

/** Every pooled agreement figure over the prompts rated by at least two raters, with intervals. */
export function agreementFigures(prompts: readonly RatedPrompt[], options: FigureOptions = {}): AgreementFigures {
  return new AgreementFigureSet(prompts).figures(options);
}
