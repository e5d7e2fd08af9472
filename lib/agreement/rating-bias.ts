import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { countPairVerdictsAt, type PairVerdictCounts } from "@/lib/agreement/pair-verdicts";
import type { ReportViews } from "@/lib/agreement/rating-views";
import { HUMAN, JUDGE, type ReportColumns } from "@/lib/agreement/report-data";

export interface BiasSeries {
  label: string;
  /** "humans" or a judge run id. */
  key: string;
  rankings: number;
  /** Rankings with no known shown order (imported from a file): left out of the position figures. */
  withoutShownOrder: number;
  /** Mean rank by shown position 1..N (position bias), over rankings of N candidates with a known shown order. */
  meanRankByShownPosition: (number | null)[];
  /** Mean rank by length order 1..N (1 = shortest candidate of the prompt). */
  meanRankByLength: (number | null)[];
  /** Mean Kendall tau-b between length order and rank: negative = longer answers ranked better. */
  lengthTauB: number | null;
}

/** The candidate count most prompts have: the position and length charts compare like with like. */
export function commonCandidateCount(data: ReportColumns): number | null {
  const counts = new Map<number, number>();
  for (let p = 0; p < data.promptCount; p++) {
    const n = data.candidateStart[p + 1]! - data.candidateStart[p]!;
    counts.set(n, (counts.get(n) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0]?.[0] ?? null;
}

class MeanBy {
  private sums: Float64Array;
  private counts: Float64Array;
  constructor(n: number) {
    this.sums = new Float64Array(n);
    this.counts = new Float64Array(n);
  }
  add(i: number, x: number) {
    this.sums[i]! += x;
    this.counts[i]! += 1;
  }
  values(): (number | null)[] {
    return Array.from(this.sums, (s, i) => (this.counts[i] ? s / this.counts[i]! : null));
  }
}

/**
 * Every prompt's length orders, like the ranks one array over all candidates: `lengthOrder` the
 * fractional rank of each candidate's length, `strict` the candidates (0-based within the prompt)
 * shortest first without ties (first-shown first among equal lengths) for the chart's buckets.
 */
function lengthOrders(data: ReportColumns): { lengthOrder: Float64Array; strict: Int32Array } {
  const total = data.candidateStart[data.promptCount]!;
  const lengthOrder = new Float64Array(total);
  const strict = new Int32Array(total);
  const lengths = data.candidateLength;
  for (let p = 0; p < data.promptCount; p++) {
    const c0 = data.candidateStart[p]!;
    const n = data.candidateStart[p + 1]! - c0;
    fractionalRanks(lengths.subarray(c0, c0 + n), lengthOrder, c0);
    const order = strict.subarray(c0, c0 + n);
    for (let i = 0; i < n; i++) order[i] = i;
    order.sort((a, b) => lengths[c0 + a]! - lengths[c0 + b]! || a - b);
  }
  return { lengthOrder, strict };
}

const verdicts: PairVerdictCounts = { pairs: 0, same: 0, untiedPairs: 0, untiedSame: 0, tauB: 0 };

/** One bias series over the rankings `keep` picks (read in place). */
function series(
  data: ReportColumns,
  orders: { lengthOrder: Float64Array; strict: Int32Array },
  label: string,
  key: string,
  keep: (r: number) => boolean,
  n: number,
): BiasSeries {
  const byPosition = new MeanBy(n);
  const byLength = new MeanBy(n);
  let tauSum = 0;
  let tauCount = 0;
  let rankings = 0;
  let withoutShownOrder = 0;
  const { ranks, shown } = data;
  for (let p = 0; p < data.promptCount; p++) {
    const c0 = data.candidateStart[p]!;
    const size = data.candidateStart[p + 1]! - c0;
    for (let r = data.rankingStart[p]!; r < data.rankingStart[p + 1]!; r++) {
      if (!keep(r)) continue;
      rankings += 1;
      const at = data.rankOffset[r]!;
      let shownKnown = true;
      for (let i = 0; i < size; i++) if (shown[at + i]! < 0 || shown[at + i]! >= size) shownKnown = false;
      if (!shownKnown) withoutShownOrder += 1;
      const tau = countPairVerdictsAt(orders.lengthOrder, c0, ranks, at, size, verdicts).tauB;
      if (Number.isFinite(tau)) {
        tauSum += tau;
        tauCount += 1;
      }
      if (size !== n) continue;
      if (shownKnown) for (let i = 0; i < n; i++) byPosition.add(shown[at + i]!, ranks[at + i]!);
      for (let order = 0; order < n; order++) byLength.add(order, ranks[at + orders.strict[c0 + order]!]!);
    }
  }
  return {
    label,
    key,
    rankings,
    withoutShownOrder,
    meanRankByShownPosition: byPosition.values(),
    meanRankByLength: byLength.values(),
    lengthTauB: tauCount ? tauSum / tauCount : null,
  };
}

/** Position and length bias of the clinicians (every ranking) and of each judge run (every permutation; indices into data.runIds). */
export function biasSeries(data: ReportColumns, runIndices: readonly number[]): { candidates: number | null; series: BiasSeries[] } {
  const n = commonCandidateCount(data);
  if (n === null) return { candidates: null, series: [] };
  const orders = lengthOrders(data);
  const out = [series(data, orders, "Clinicians", "humans", (r) => data.kind[r] === HUMAN, n)];
  for (const runIndex of runIndices) {
    const run = data.runs.get(data.runIds[runIndex]!)!;
    const s = series(data, orders, run.name, run.id, (r) => data.kind[r] === JUDGE && data.run[r] === runIndex, n);
    if (s.rankings > 0) out.push(s);
  }
  return { candidates: n, series: out };
}

/** A model's family from its name: "gpt-4o-mini" → "gpt", "meta-llama/Meta-Llama-3-70B" → "llama". */
export function modelFamily(model: string): string {
  let family = familyMemo.get(model);
  if (family === undefined) familyMemo.set(model, (family = familyOf(model)));
  return family;
}

// A project has a handful of models and the report asks for each candidate's family (800k at 100k prompts).
const familyMemo = new Map<string, string>();

function familyOf(model: string): string {
  const name = model.toLowerCase().split("/").at(-1)!;
  const known = [
    "gpt",
    "llama",
    "mixtral",
    "mistral",
    "qwen",
    "claude",
    "gemini",
    "gemma",
    "deepseek",
    "phi",
    "yi",
    "command",
    "biomistral",
    "meditron",
    "openbio",
  ];
  const family = known.filter((k) => name.includes(k)).sort((a, b) => b.length - a.length)[0];
  if (family === "mixtral") return "mistral";
  if (family) return family;
  if (/^o\d/.test(name)) return "gpt";
  return name.split(/[^a-z]+/).find(Boolean) ?? name;
}

export interface SelfPreference {
  runId: string;
  label: string;
  judgeModel: string;
  family: string;
  /** Prompts with a candidate of the judge's family, ranked by the judge and by clinicians. */
  prompts: number;
  /** Mean rank of the judge's own-family candidates: by the judge, by the clinicians' consensus. */
  judgeMeanRank: number | null;
  humanMeanRank: number | null;
  /** Share of those prompts where an own-family candidate is ranked best. */
  judgeTop1Rate: number | null;
  humanTop1Rate: number | null;
}

/** Whether a judge favours candidates from its own model family more than the clinicians do (runs: indices into data.runIds). */
export function selfPreference(views: ReportViews, runIndices: readonly number[]): SelfPreference[] {
  const { data } = views;
  const out: SelfPreference[] = [];
  const families = data.models.map(modelFamily);
  for (const runIndex of runIndices) {
    const run = data.runs.get(data.runIds[runIndex]!)!;
    if (!run.model) continue;
    const family = modelFamily(run.model);
    const judge = views.judge[runIndex]!;
    const humans = views.consensus;
    // Sums in the order the ranks come (what `mean` over pushed ranks would add up).
    let judgeSum = 0,
      humanSum = 0,
      ranked = 0;
    let prompts_ = 0,
      judgeTop = 0,
      humanTop = 0;
    for (let p = 0; p < data.promptCount; p++) {
      const c0 = data.candidateStart[p]!;
      const c1 = data.candidateStart[p + 1]!;
      let ownCount = 0;
      for (let c = c0; c < c1; c++) if (families[data.candidateModel[c]!] === family) ownCount += 1;
      if (ownCount === 0 || ownCount === c1 - c0) continue;
      if (!views.hasJudge[runIndex]![p] || !views.hasConsensus[p]) continue;
      prompts_ += 1;
      let judgeBest = Number.POSITIVE_INFINITY;
      let humanBest = Number.POSITIVE_INFINITY;
      for (let c = c0; c < c1; c++) {
        judgeBest = Math.min(judgeBest, judge[c]!);
        humanBest = Math.min(humanBest, humans[c]!);
      }
      let judgeOwnBest = false,
        humanOwnBest = false;
      for (let c = c0; c < c1; c++) {
        if (families[data.candidateModel[c]!] !== family) continue;
        judgeSum += judge[c]!;
        humanSum += humans[c]!;
        ranked += 1;
        if (judge[c] === judgeBest) judgeOwnBest = true;
        if (humans[c] === humanBest) humanOwnBest = true;
      }
      if (judgeOwnBest) judgeTop += 1;
      if (humanOwnBest) humanTop += 1;
    }
    if (prompts_ === 0) continue;
    out.push({
      runId: run.id,
      label: run.name,
      judgeModel: run.model,
      family,
      prompts: prompts_,
      judgeMeanRank: ranked ? judgeSum / ranked : null,
      humanMeanRank: ranked ? humanSum / ranked : null,
      judgeTop1Rate: judgeTop / prompts_,
      humanTop1Rate: humanTop / prompts_,
    });
  }
  return out;
}
