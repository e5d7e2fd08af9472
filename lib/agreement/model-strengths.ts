import { NumberColumn } from "@/lib/agreement/report-data";
import { bootstrapWeights, NORMAL_BOOTSTRAP_MIN_PROMPTS, percentileInterval, SumMoments } from "@/lib/agreement/bootstrap";

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

/**
 * Every prompt's wins, packed: prompt p's cells (flat i*K+j: wins of model i over model j) are
 * cells[offsets[p]..offsets[p+1]) with their wins alongside. Packed rather than two small typed
 * arrays per prompt: at 100k prompts those allocations were most of the comparison's time.
 */
interface PackedWins {
  count: number;
  offsets: Int32Array;
  cells: Int32Array;
  wins: Float64Array;
  /** Σ over prompts of each cell's wins (k*k cells). */
  cellSums: Float64Array;
  /**
   * Σ over prompts of the product of two cells' wins, cell a ≤ cell b at a*k*k+b: the moments the normal
   * bootstrap needs, summed as the prompts are packed. Wins are multiples of ½, so these sums are exact
   * and do not depend on the order they are added in (the same as summing the packed cells afterwards).
   */
  cellCross: Float64Array;
}

/**
 * Prompts handed over one at a time, read in place: `add(n, m, sources, offsets, models, modelAt)`
 * for a prompt of n candidates with m rankings (ranking a's ranks from sources[a][offsets[a]]),
 * candidate i's model being models[modelAt + i] as an index into the comparison's sorted models.
 */
export type WinsSource = (
  add: (
    n: number,
    m: number,
    sources: readonly ArrayLike<number>[],
    offsets: ArrayLike<number>,
    models: ArrayLike<number>,
    modelAt: number,
  ) => void,
) => void;

/** Scratch n×n wins of one prompt, reused across prompts. */
let scratch = new Float64Array(64);
/** Scratch: a prompt's candidates in model order, its filled cells and their wins in cell order. */
let byModel = new Int32Array(8);
let sortedCells = new Int32Array(64);
let sortedWins = new Float64Array(64);

function packWins(source: WinsSource, k: number): PackedWins {
  const offsets = new NumberColumn(0);
  let cells = new Int32Array(1024);
  let wins = new Float64Array(1024);
  let at = 0;
  const kk = k * k;
  const cellSums = new Float64Array(kk);
  const cellCross = new Float64Array(kk * kk);
  const everyModel = new EveryModelMoments(k);
  source((n, m, sources, rankAt, models, modelAt) => {
    if (scratch.length < n * n) scratch = new Float64Array(n * n);
    const local = scratch;
    local.fill(0, 0, n * n);
    for (let r = 0; r < m; r++) {
      const ranks = sources[r]!;
      const from = rankAt[r]!;
      for (let a = 0; a < n; a++) {
        const ra = ranks[from + a]!;
        for (let b = a + 1; b < n; b++) {
          const rb = ranks[from + b]!;
          if (ra < rb) local[a * n + b]! += 1;
          else if (ra > rb) local[b * n + a]! += 1;
          else {
            local[a * n + b]! += 0.5;
            local[b * n + a]! += 0.5;
          }
        }
      }
    }
    if (at + n * n > cells.length) {
      const size = Math.max(2 * cells.length, at + n * n);
      const grownCells = new Int32Array(size);
      grownCells.set(cells);
      cells = grownCells;
      const grownWins = new Float64Array(size);
      grownWins.set(wins);
      wins = grownWins;
    }
    for (let a = 0; a < n; a++) {
      const ia = models[modelAt + a]! * k;
      for (let b = 0; b < n; b++)
        if (local[a * n + b]! > 0) {
          cells[at] = ia + models[modelAt + b]!;
          wins[at++] = local[a * n + b]!;
        }
    }
    offsets.push(at);
    if (!everyModel.add(local, n, m, models, modelAt)) addCellMoments(local, n, models, modelAt, k, cellSums, cellCross);
  });
  everyModel.foldInto(cellSums, cellCross);
  return { count: offsets.length - 1, offsets: new Int32Array(offsets.values()), cells, wins, cellSums, cellCross };
}

/**
 * The cell moments of the prompts whose candidates are every model once (most prompts), from half the
 * cells: in such a prompt the wins of i over j and of j over i add up to its ranking count m (each ranking
 * gives the pair one verdict, a tie half to each), so only the wins y of the lower model over the higher
 * one are summed, with m: Σ y, Σ m·y, Σ yy' over the k(k−1)/2 pairs, Σ m, Σ m² (a quarter of the products
 * of all cells). `foldInto` expands them into the cells' sums and products; every term is a multiple of
 * ¼ far below 2⁵³, so the sums are exact and the same as summing every cell of every prompt.
 */
export class EveryModelMoments {
  private readonly pairs: number;
  /** pairOf[i*k+j] (i < j): the pair's index. */
  private readonly pairOf: Int32Array;
  private readonly ySum: Float64Array;
  private readonly myProduct: Float64Array;
  /** Σ y_u·y_v, u ≤ v, at u*pairs+v. */
  private readonly yProduct: Float64Array;
  private readonly y: Float64Array;
  private readonly candidateOf: Int32Array;
  private mSum = 0;
  private mSquares = 0;

  constructor(private readonly k: number) {
    this.pairs = (k * (k - 1)) / 2;
    this.pairOf = new Int32Array(k * k).fill(-1);
    for (let i = 0, u = 0; i < k; i++) for (let j = i + 1; j < k; j++) this.pairOf[i * k + j] = u++;
    this.ySum = new Float64Array(this.pairs);
    this.myProduct = new Float64Array(this.pairs);
    this.yProduct = new Float64Array(this.pairs * this.pairs);
    this.y = new Float64Array(this.pairs);
    this.candidateOf = new Int32Array(k);
  }

  /** Adds the prompt if its candidates are every model once (false otherwise: nothing added). */
  add(local: Float64Array, n: number, m: number, models: ArrayLike<number>, modelAt: number): boolean {
    const { k, pairs, y, candidateOf, ySum, myProduct, yProduct } = this;
    if (n !== k) return false;
    candidateOf.fill(-1);
    for (let a = 0; a < n; a++) {
      const model = models[modelAt + a]!;
      if (candidateOf[model] !== -1) return false;
      candidateOf[model] = a;
    }
    for (let i = 0, u = 0; i < k; i++) {
      const row = candidateOf[i]! * n;
      for (let j = i + 1; j < k; j++) y[u++] = local[row + candidateOf[j]!]!;
    }
    this.mSum += m;
    this.mSquares += m * m;
    for (let u = 0; u < pairs; u++) {
      const yu = y[u]!;
      ySum[u]! += yu;
      myProduct[u]! += m * yu;
      const row = u * pairs;
      for (let v = u; v < pairs; v++) yProduct[row + v]! += yu * y[v]!;
    }
    return true;
  }

  /** Adds the prompts' moments to the cells' (as `packWins` keeps them: cell i*k+j the wins of i over j). */
  foldInto(cellSums: Float64Array, cellCross: Float64Array): void {
    const { k, pairs, pairOf, ySum, myProduct, yProduct, mSum, mSquares } = this;
    const kk = k * k;
    const pairOfCell = (cell: number) => pairOf[Math.min(cell % k, Math.floor(cell / k)) * k + Math.max(cell % k, Math.floor(cell / k))]!;
    // A cell of a lower model over a higher one holds y, the other way round m − y.
    const lower = (cell: number) => Math.floor(cell / k) < cell % k;
    for (let c = 0; c < kk; c++) {
      if (c % k === Math.floor(c / k)) continue;
      const u = pairOfCell(c);
      cellSums[c]! += lower(c) ? ySum[u]! : mSum - ySum[u]!;
      for (let d = c; d < kk; d++) {
        if (d % k === Math.floor(d / k)) continue;
        const v = pairOfCell(d);
        const yy = yProduct[Math.min(u, v) * pairs + Math.max(u, v)]!;
        cellCross[c * kk + d]! += lower(c)
          ? lower(d)
            ? yy
            : myProduct[u]! - yy
          : lower(d)
            ? myProduct[v]! - yy
            : mSquares - myProduct[u]! - myProduct[v]! + yy;
      }
    }
  }
}

/**
 * Adds one prompt's wins (local, n×n) to the cell sums and the upper triangle of the cell products.
 * The candidates are visited in model order, so the filled cells come in increasing cell order and
 * every pair of them is one multiply-add into the upper triangle, with no sorting of cells.
 */
export function addCellMoments(
  local: Float64Array,
  n: number,
  models: ArrayLike<number>,
  modelAt: number,
  k: number,
  sums: Float64Array,
  cross: Float64Array,
): void {
  if (byModel.length < n) byModel = new Int32Array(2 * n);
  if (sortedCells.length < n * n) {
    sortedCells = new Int32Array(2 * n * n);
    sortedWins = new Float64Array(2 * n * n);
  }
  const order = byModel;
  for (let i = 0; i < n; i++) {
    let j = i;
    while (j > 0 && models[modelAt + order[j - 1]!]! > models[modelAt + i]!) {
      order[j] = order[j - 1]!;
      j -= 1;
    }
    order[j] = i;
  }
  let filled = 0;
  for (let x = 0; x < n; x++) {
    const a = order[x]!;
    const ia = models[modelAt + a]! * k;
    for (let y = 0; y < n; y++) {
      const b = order[y]!;
      const w = local[a * n + b]!;
      if (w > 0) {
        sortedCells[filled] = ia + models[modelAt + b]!;
        sortedWins[filled++] = w;
      }
    }
  }
  const kk = k * k;
  for (let i = 0; i < filled; i++) {
    const w = sortedWins[i]!;
    const row = sortedCells[i]! * kk;
    sums[sortedCells[i]!]! += w;
    for (let j = i; j < filled; j++) cross[row + sortedCells[j]!]! += w * sortedWins[j]!;
  }
}

function accumulate(packed: PackedWins, k: number, weights?: ArrayLike<number>): Float64Array {
  const matrix = new Float64Array(k * k);
  const { offsets, cells, wins } = packed;
  for (let p = 0; p < packed.count; p++) {
    const w = weights ? weights[p]! : 1;
    if (w === 0) continue;
    for (let c = offsets[p]!, end = offsets[p + 1]!; c < end; c++) matrix[cells[c]!]! += w * wins[c]!;
  }
  return matrix;
}

/** Log-strengths centred at 0 (NaN for a model with no comparisons). */
export function bradleyTerry(wins: Float64Array, k: number): Float64Array {
  // Each pair's wins with the pseudo-count, and its verdicts, once per fit rather than once per iteration.
  const met = new Uint8Array(k * k);
  const w = new Float64Array(k * k);
  for (let i = 0; i < k; i++)
    for (let j = 0; j < k; j++)
      if (i !== j && wins[i * k + j]! + wins[j * k + i]! > 0) {
        met[i * k + j] = 1;
        w[i * k + j] = wins[i * k + j]! + PSEUDO_WINS;
      }
  const verdicts = new Float64Array(k * k);
  for (let i = 0; i < k * k; i++) verdicts[i] = w[i]! + w[(i % k) * k + Math.floor(i / k)]!;
  let p = new Float64Array(k).fill(1);
  for (let iter = 0; iter < MM_ITERATIONS; iter++) {
    const next = new Float64Array(k);
    for (let i = 0; i < k; i++) {
      let won = 0;
      let denominator = 0;
      for (let j = 0; j < k; j++) {
        if (met[i * k + j] === 0) continue;
        won += w[i * k + j]!;
        denominator += verdicts[i * k + j]! / (p[i]! + p[j]!);
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

/**
 * Compares the models of the items' candidates (each item one prompt). `items` is read twice
 * (models, then wins): a generator lets a caller hand over its prompts without first building an
 * array of items (100k at 100k prompts, per view).
 */
export function compareModels(items: () => Iterable<ModelRatings>, options: ComparisonOptions = {}): ModelComparison {
  const seen = new Set<string>();
  for (const item of items()) for (const m of item.models) seen.add(m);
  const models = [...seen].sort();
  const indexOf = new Map(models.map((m, i) => [m, i]));
  return compareModelsOf(
    models,
    (add) => {
      for (const item of items())
        add(
          item.models.length,
          item.rankings.length,
          item.rankings,
          new Int32Array(item.rankings.length),
          Int32Array.from(item.models, (m) => indexOf.get(m)!),
          0,
        );
    },
    options,
  );
}

export interface ComparisonOptions {
  resamples?: number;
  seed?: string | number;
  normalBootstrapMinPrompts?: number;
}

/** `compareModels` of the prompts `source` hands over, over `models` (sorted; the source's model indices point into it). */
export function compareModelsOf(models: string[], source: WinsSource, options: ComparisonOptions = {}): ModelComparison {
  const k = models.length;
  const packed = packWins(source, k);
  const wins = accumulate(packed, k);
  const strengths = bradleyTerry(wins, k);
  const samples: number[][] = models.map(() => []);
  const resamples = packed.count ? (options.resamples ?? BT_RESAMPLES) : 0;
  const seed = `bt:${options.seed ?? 0}`;
  const keep = (s: Float64Array) => s.forEach((x, i) => samples[i]!.push(x));
  if (packed.count >= (options.normalBootstrapMinPrompts ?? NORMAL_BOOTSTRAP_MIN_PROMPTS)) {
    // The resampled wins matrix from its normal approximation (lib/agreement/bootstrap.ts), over the cells any prompt fills.
    const cellDim = new Int32Array(k * k).fill(-1);
    const cells: number[] = [];
    const filled = packed.offsets[packed.count]!;
    for (let c = 0; c < filled; c++) if (cellDim[packed.cells[c]!] === -1) cellDim[packed.cells[c]!] = cells.push(packed.cells[c]!) - 1;
    const kk = k * k;
    const moments = SumMoments.fromSums(
      packed.count,
      Float64Array.from(cells, (cell) => packed.cellSums[cell]!),
      (a, b) => packed.cellCross[Math.min(cells[a]!, cells[b]!) * kk + Math.max(cells[a]!, cells[b]!)]!,
    );
    const matrix = new Float64Array(k * k);
    for (const x of moments.normalDraws(resamples, seed)) {
      // A draw may dip below zero on a pair that rarely met: wins are never negative.
      cells.forEach((cell, d) => (matrix[cell] = Math.max(0, x[d]!)));
      keep(bradleyTerry(matrix, k));
    }
  } else {
    for (const weights of bootstrapWeights(packed.count, resamples, seed)) keep(bradleyTerry(accumulate(packed, k, weights), k));
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
