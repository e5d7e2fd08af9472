import type { RatedPrompt } from "@/lib/agreement/agreement-figures";
import { meanRankConsensus } from "@/lib/agreement/fractional-ranks";
import type { ReportPrompt, ReportRanking } from "@/lib/agreement/report-data";
import { judgeConsensus } from "@/lib/judge/aggregate";

/** The ways the report looks at one prompt's rankings: who ranked it, and as what. */

export const humanRankings = (prompt: ReportPrompt): ReportRanking[] => prompt.rankings.filter((r) => r.kind === "HUMAN");

// Consensus rankings are asked for by several views: computed once per prompt. Judge runs are few,
// so a prompt's aggregates sit in two short arrays rather than a map per prompt (100k maps at 100k
// prompts were a large share of the report's garbage).
interface PromptViews {
  consensus: Float64Array | null | undefined;
  runIds: string[];
  runRanks: (Float64Array | null)[];
}
const memo = new WeakMap<ReportPrompt, PromptViews>();
function views(prompt: ReportPrompt): PromptViews {
  let v = memo.get(prompt);
  if (!v) memo.set(prompt, (v = { consensus: undefined, runIds: [], runRanks: [] }));
  return v;
}

/** The run's ranking of the prompt: the consensus of its permutations (null when it has none). */
export function judgeAggregate(prompt: ReportPrompt, runId: string): Float64Array | null {
  const v = views(prompt);
  const at = v.runIds.indexOf(runId);
  if (at !== -1) return v.runRanks[at]!;
  const perms: Float64Array[] = [];
  for (const r of prompt.rankings) if (r.kind === "JUDGE" && r.runId === runId) perms.push(r.ranks);
  const out = perms.length ? judgeConsensus(perms) : null;
  v.runIds.push(runId);
  v.runRanks.push(out);
  return out;
}

/**
 * The clinicians' consensus (mean rank), optionally leaving one rater out. The full consensus is
 * kept per prompt; a leave-one-out one is asked for once per ranking, so it is not kept.
 */
export function humanConsensus(prompt: ReportPrompt, leaveOut?: string): Float64Array | null {
  const compute = () => {
    const ranks: Float64Array[] = [];
    for (const r of prompt.rankings) if (r.kind === "HUMAN" && r.raterId !== leaveOut) ranks.push(r.ranks);
    return ranks.length ? meanRankConsensus(ranks) : null;
  };
  if (leaveOut !== undefined) return compute();
  const v = views(prompt);
  return v.consensus === undefined ? (v.consensus = compute()) : v.consensus;
}

export const latestOfKind = (prompt: ReportPrompt, kind: "GOLD" | "ADJUDICATED"): ReportRanking | null =>
  prompt.rankings.find((r) => r.kind === kind) ?? null;

/** Prompts as rated by the clinicians (each clinician one rater). */
export function humanRatedPrompts(prompts: readonly ReportPrompt[]): RatedPrompt[] {
  return prompts.map((p) => ({
    promptId: p.id,
    models: p.models,
    raters: humanRankings(p).map((r) => ({ rater: r.raterId!, ranks: r.ranks })),
  }));
}

/** Prompts as rated by two raters: the clinicians' consensus and a judge run's ranking. */
export function judgeVsConsensusPrompts(prompts: readonly ReportPrompt[], runId: string): RatedPrompt[] {
  const out: RatedPrompt[] = [];
  for (const p of prompts) {
    const consensus = humanConsensus(p);
    const judge = consensus && judgeAggregate(p, runId);
    if (consensus && judge)
      out.push({
        promptId: p.id,
        models: p.models,
        raters: [
          { rater: "consensus", ranks: consensus },
          { rater: runId, ranks: judge },
        ],
      });
  }
  return out;
}

/** Every rater of each prompt: each clinician and each judge run's aggregate (for disagreement and model views). */
export function allRaters(prompt: ReportPrompt, runIds: readonly string[]): { rater: string; ranks: Float64Array }[] {
  const out = humanRankings(prompt).map((r) => ({ rater: r.raterId!, ranks: r.ranks }));
  for (const runId of runIds) {
    const judge = judgeAggregate(prompt, runId);
    if (judge) out.push({ rater: `run:${runId}`, ranks: judge });
  }
  return out;
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export const mean = (values: readonly number[]): number | null =>
  values.length ? values.reduce((a, b) => a + b, 0) / values.length : null;
