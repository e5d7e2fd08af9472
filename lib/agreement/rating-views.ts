import type { RatedPrompt } from "@/lib/agreement/agreement-figures";
import { meanRankConsensus } from "@/lib/agreement/fractional-ranks";
import type { ReportPrompt, ReportRanking } from "@/lib/agreement/report-data";
import { judgeConsensus } from "@/lib/judge/aggregate";

/** The ways the report looks at one prompt's rankings: who ranked it, and as what. */

export const humanRankings = (prompt: ReportPrompt): ReportRanking[] => prompt.rankings.filter((r) => r.kind === "HUMAN");

// Consensus rankings are asked for by several views: computed once per prompt (keyed by run id
// or left-out rater, no string building: this runs ~10 times per prompt).
interface PromptViews {
  consensus: Float64Array | null | undefined;
  withoutRater: Map<string, Float64Array | null>;
  byRun: Map<string, Float64Array | null>;
}
const memo = new WeakMap<ReportPrompt, PromptViews>();
function views(prompt: ReportPrompt): PromptViews {
  let v = memo.get(prompt);
  if (!v) memo.set(prompt, (v = { consensus: undefined, withoutRater: new Map(), byRun: new Map() }));
  return v;
}

/** The run's ranking of the prompt: the consensus of its permutations (null when it has none). */
export function judgeAggregate(prompt: ReportPrompt, runId: string): Float64Array | null {
  const cache = views(prompt).byRun;
  let out = cache.get(runId);
  if (out === undefined) {
    const perms = prompt.rankings.filter((r) => r.kind === "JUDGE" && r.runId === runId);
    cache.set(runId, (out = perms.length ? judgeConsensus(perms.map((r) => r.ranks)) : null));
  }
  return out;
}

/** The clinicians' consensus (mean rank), optionally leaving one rater out. */
export function humanConsensus(prompt: ReportPrompt, leaveOut?: string): Float64Array | null {
  const v = views(prompt);
  const compute = () => {
    const ranks = humanRankings(prompt)
      .filter((r) => r.raterId !== leaveOut)
      .map((r) => r.ranks);
    return ranks.length ? meanRankConsensus(ranks) : null;
  };
  if (leaveOut === undefined) return v.consensus === undefined ? (v.consensus = compute()) : v.consensus;
  let out = v.withoutRater.get(leaveOut);
  if (out === undefined) v.withoutRater.set(leaveOut, (out = compute()));
  return out;
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
