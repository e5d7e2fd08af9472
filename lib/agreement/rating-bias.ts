import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { countPairVerdicts, type PairVerdictCounts } from "@/lib/agreement/pair-verdicts";
import type { ReportPrompt, ReportRanking, ReportRun } from "@/lib/agreement/report-data";
import { humanConsensus, judgeAggregate } from "@/lib/agreement/rating-views";

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
export function commonCandidateCount(prompts: readonly ReportPrompt[]): number | null {
  const counts = new Map<number, number>();
  for (const p of prompts) counts.set(p.models.length, (counts.get(p.models.length) ?? 0) + 1);
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

// A prompt's length orders, computed once for all its rankings (5+ per prompt).
const lengthMemo = new WeakMap<ReportPrompt, { lengthOrder: Float64Array; strict: Int32Array }>();
function lengthOrders(prompt: ReportPrompt): { lengthOrder: Float64Array; strict: Int32Array } {
  let orders = lengthMemo.get(prompt);
  if (!orders) {
    // Length order without ties (first-shown first among equal lengths) for the chart's buckets.
    const strict = Int32Array.from(prompt.lengths.map((_, i) => i)).sort((a, b) => prompt.lengths[a]! - prompt.lengths[b]! || a - b);
    lengthMemo.set(prompt, (orders = { lengthOrder: fractionalRanks(prompt.lengths), strict }));
  }
  return orders;
}

/** One ranking a bias series looks at. */
type BiasVisitor = (prompt: ReportPrompt, ranks: Float64Array, shown: Int16Array | null) => void;

function series(label: string, key: string, forEachRanking: (visit: BiasVisitor) => void, n: number): BiasSeries {
  const byPosition = new MeanBy(n);
  const byLength = new MeanBy(n);
  let tauSum = 0;
  let tauCount = 0;
  let rankings = 0;
  let withoutShownOrder = 0;
  // Rankings are visited in place: an item object per ranking (500k at 100k prompts) was garbage for nothing.
  forEachRanking((prompt, ranks, shown) => {
    rankings += 1;
    const shownKnown = shown !== null && shown.every((p) => p >= 0 && p < ranks.length);
    if (!shownKnown) withoutShownOrder += 1;
    const { lengthOrder, strict } = lengthOrders(prompt);
    const tau = countPairVerdicts(lengthOrder, ranks, verdicts).tauB;
    if (Number.isFinite(tau)) {
      tauSum += tau;
      tauCount += 1;
    }
    if (ranks.length !== n) return;
    if (shownKnown) for (let i = 0; i < n; i++) byPosition.add(shown[i]!, ranks[i]!);
    for (let order = 0; order < strict.length; order++) byLength.add(order, ranks[strict[order]!]!);
  });
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

const verdicts: PairVerdictCounts = { pairs: 0, same: 0, untiedPairs: 0, untiedSame: 0, tauB: 0 };

/** Position and length bias of the clinicians (every ranking) and of each judge run (every permutation). */
export function biasSeries(
  prompts: readonly ReportPrompt[],
  runs: readonly ReportRun[],
): { candidates: number | null; series: BiasSeries[] } {
  const n = commonCandidateCount(prompts);
  if (n === null) return { candidates: null, series: [] };
  const ofKind =
    (keep: (r: ReportRanking) => boolean) =>
    (visit: BiasVisitor): void => {
      for (const prompt of prompts) for (const r of prompt.rankings) if (keep(r)) visit(prompt, r.ranks, r.shownPositions);
    };
  const out = [
    series(
      "Clinicians",
      "humans",
      ofKind((r) => r.kind === "HUMAN"),
      n,
    ),
  ];
  for (const run of runs) {
    const perms = ofKind((r) => r.kind === "JUDGE" && r.runId === run.id);
    const s = series(run.name, run.id, perms, n);
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

/** Whether a judge favours candidates from its own model family more than the clinicians do. */
export function selfPreference(prompts: readonly ReportPrompt[], runs: readonly ReportRun[]): SelfPreference[] {
  const out: SelfPreference[] = [];
  for (const run of runs) {
    if (!run.model) continue;
    const family = modelFamily(run.model);
    // Sums in the order the ranks come (what `mean` over pushed ranks would add up).
    let judgeSum = 0,
      humanSum = 0,
      ranked = 0;
    let prompts_ = 0,
      judgeTop = 0,
      humanTop = 0;
    for (const p of prompts) {
      let ownCount = 0;
      for (const m of p.models) if (modelFamily(m) === family) ownCount += 1;
      if (ownCount === 0 || ownCount === p.models.length) continue;
      const judge = judgeAggregate(p, run.id);
      const humans = judge && humanConsensus(p);
      if (!judge || !humans) continue;
      prompts_ += 1;
      const judgeBest = Math.min(...judge);
      const humanBest = Math.min(...humans);
      let judgeOwnBest = false,
        humanOwnBest = false;
      p.models.forEach((m, i) => {
        if (modelFamily(m) !== family) return;
        judgeSum += judge[i]!;
        humanSum += humans[i]!;
        ranked += 1;
        if (judge[i] === judgeBest) judgeOwnBest = true;
        if (humans[i] === humanBest) humanOwnBest = true;
      });
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
