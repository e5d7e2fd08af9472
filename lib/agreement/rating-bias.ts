import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { pairVerdicts } from "@/lib/agreement/pair-verdicts";
import type { ReportPrompt, ReportRun } from "@/lib/agreement/report-data";
import { humanConsensus, humanRankings, judgeAggregate, mean } from "@/lib/agreement/rating-views";

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

function series(
  label: string,
  key: string,
  items: { prompt: ReportPrompt; ranks: Float64Array; shown: Int16Array | null }[],
  n: number,
): BiasSeries {
  const byPosition = new MeanBy(n);
  const byLength = new MeanBy(n);
  const taus: number[] = [];
  let withoutShownOrder = 0;
  for (const { prompt, ranks, shown } of items) {
    const shownKnown = shown !== null && shown.every((p) => p >= 0 && p < ranks.length);
    if (!shownKnown) withoutShownOrder += 1;
    const { lengthOrder, strict } = lengthOrders(prompt);
    const tau = pairVerdicts(lengthOrder, ranks).tauB;
    if (Number.isFinite(tau)) taus.push(tau);
    if (ranks.length !== n) continue;
    if (shownKnown) for (let i = 0; i < n; i++) byPosition.add(shown[i]!, ranks[i]!);
    for (let order = 0; order < strict.length; order++) byLength.add(order, ranks[strict[order]!]!);
  }
  return {
    label,
    key,
    rankings: items.length,
    withoutShownOrder,
    meanRankByShownPosition: byPosition.values(),
    meanRankByLength: byLength.values(),
    lengthTauB: mean(taus),
  };
}

/** Position and length bias of the clinicians (every ranking) and of each judge run (every permutation). */
export function biasSeries(
  prompts: readonly ReportPrompt[],
  runs: readonly ReportRun[],
): { candidates: number | null; series: BiasSeries[] } {
  const n = commonCandidateCount(prompts);
  if (n === null) return { candidates: null, series: [] };
  const humans = prompts.flatMap((prompt) => humanRankings(prompt).map((r) => ({ prompt, ranks: r.ranks, shown: r.shownPositions })));
  const out = [series("Clinicians", "humans", humans, n)];
  for (const run of runs) {
    const perms = prompts.flatMap((prompt) =>
      prompt.rankings
        .filter((r) => r.kind === "JUDGE" && r.runId === run.id)
        .map((r) => ({ prompt, ranks: r.ranks, shown: r.shownPositions })),
    );
    if (perms.length === 0) continue;
    out.push(series(run.name, run.id, perms, n));
  }
  return { candidates: n, series: out };
}

/** A model's family from its name: "gpt-4o-mini" → "gpt", "meta-llama/Meta-Llama-3-70B" → "llama". */
export function modelFamily(model: string): string {
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
    const judgeRanks: number[] = [];
    const humanRanks: number[] = [];
    let prompts_ = 0,
      judgeTop = 0,
      humanTop = 0;
    for (const p of prompts) {
      const own = p.models.map((m, i) => (modelFamily(m) === family ? i : -1)).filter((i) => i >= 0);
      if (own.length === 0 || own.length === p.models.length) continue;
      const judge = judgeAggregate(p, run.id);
      const humans = judge && humanConsensus(p);
      if (!judge || !humans) continue;
      prompts_ += 1;
      for (const i of own) {
        judgeRanks.push(judge[i]!);
        humanRanks.push(humans[i]!);
      }
      if (own.some((i) => judge[i] === Math.min(...judge))) judgeTop += 1;
      if (own.some((i) => humans[i] === Math.min(...humans))) humanTop += 1;
    }
    if (prompts_ === 0) continue;
    out.push({
      runId: run.id,
      label: run.name,
      judgeModel: run.model,
      family,
      prompts: prompts_,
      judgeMeanRank: mean(judgeRanks),
      humanMeanRank: mean(humanRanks),
      judgeTop1Rate: judgeTop / prompts_,
      humanTop1Rate: humanTop / prompts_,
    });
  }
  return out;
}
