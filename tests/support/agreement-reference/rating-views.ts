import type { RatedPrompt } from "./agreement-figures";
import { meanRankConsensus } from "@/lib/agreement/fractional-ranks";
import type { ReportPrompt, ReportRanking } from "@/lib/agreement/report-data";
import { judgeConsensus } from "@/lib/judge/aggregate";

/** The ways the report looks at one prompt's rankings: who ranked it, and as what. */

export const humanRankings = (prompt: ReportPrompt): ReportRanking[] => prompt.rankings.filter((r) => r.kind === "HUMAN");

// Consensus rankings are asked for by several views: computed once per prompt.
const memo = new WeakMap<ReportPrompt, Map<string, Float64Array | null>>();
function remembered(prompt: ReportPrompt, key: string, compute: () => Float64Array | null): Float64Array | null {
  let cache = memo.get(prompt);
  if (!cache) memo.set(prompt, (cache = new Map()));
  if (!cache.has(key)) cache.set(key, compute());
  return cache.get(key)!;
}

/** The run's ranking of the prompt: the consensus of its permutations (null when it has none). */
export function judgeAggregate(prompt: ReportPrompt, runId: string): Float64Array | null {
  return remembered(prompt, `run:${runId}`, () => {
    const perms = prompt.rankings.filter((r) => r.kind === "JUDGE" && r.runId === runId);
    return perms.length ? judgeConsensus(perms.map((r) => r.ranks)) : null;
  });
}

/** The clinicians' consensus (mean rank), optionally leaving one rater out. */
export function humanConsensus(prompt: ReportPrompt, leaveOut?: string): Float64Array | null {
  return remembered(prompt, `humans-without:${leaveOut ?? ""}`, () => {
    const ranks = humanRankings(prompt)
      .filter((r) => r.raterId !== leaveOut)
      .map((r) => r.ranks);
    return ranks.length ? meanRankConsensus(ranks) : null;
  });
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
