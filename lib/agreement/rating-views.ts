import type { RatedPrompt, RatedPromptSource } from "@/lib/agreement/agreement-figures";
import { fractionalRanks, meanRankConsensus } from "@/lib/agreement/fractional-ranks";
import { ADJUDICATED, GOLD, HUMAN, JUDGE, type ReportColumns, type ReportPrompt, type ReportRanking } from "@/lib/agreement/report-data";
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

const meansByLength: Float64Array[] = [];

/**
 * `meanRankConsensus` of `count` rankings of n candidates read in place (ranking k's ranks from
 * ranks[at[k]]), written into out from outAt: the same sums in the same order, so the same result.
 */
export function consensusInto(
  ranks: Float64Array,
  at: ArrayLike<number>,
  count: number,
  n: number,
  out: Float64Array,
  outAt: number,
): void {
  const means = (meansByLength[n] ??= new Float64Array(n));
  means.fill(0);
  for (let k = 0; k < count; k++) {
    const from = at[k]!;
    for (let i = 0; i < n; i++) means[i]! += ranks[from + i]! / count;
  }
  // Round away float noise so equal means compare equal (means of halves over ≤ 64 raters).
  for (let i = 0; i < n; i++) means[i] = Math.round(means[i]! * 1e9) / 1e9;
  fractionalRanks(means, out, outAt);
}

/**
 * The ways the report looks at each prompt, computed once from the columns: how many clinicians
 * ranked it, their consensus and each judge run's aggregate (one array over every candidate of the
 * report each, like the ranks), its gold and adjudicated rankings.
 */
export class ReportViews {
  /** Human rankings per prompt. */
  readonly humans: Int32Array;
  /** The clinicians' consensus of prompt p's candidates from candidateStart[p] (where hasConsensus[p]). */
  readonly consensus: Float64Array;
  readonly hasConsensus: Uint8Array;
  /** Per run index (columns.runIds): the run's aggregate, like `consensus` (where hasJudge[run][p]). */
  readonly judge: Float64Array[] = [];
  readonly hasJudge: Uint8Array[] = [];
  /** The prompt's first gold / adjudicated ranking (−1: none). */
  readonly gold: Int32Array;
  readonly adjudicated: Int32Array;
  /** The most human rankings of one prompt. */
  readonly mostHumans: number;

  constructor(
    readonly data: ReportColumns,
    /** Run indices whose aggregates are wanted. */
    runs: readonly number[],
  ) {
    const { promptCount, rankingStart, candidateStart, kind, rankOffset, ranks, run } = data;
    const candidates = candidateStart[promptCount]!;
    this.humans = new Int32Array(promptCount);
    this.consensus = new Float64Array(candidates);
    this.hasConsensus = new Uint8Array(promptCount);
    this.gold = new Int32Array(promptCount).fill(-1);
    this.adjudicated = new Int32Array(promptCount).fill(-1);
    for (let i = 0; i < data.runIds.length; i++) {
      const wanted = runs.includes(i);
      this.judge.push(wanted ? new Float64Array(candidates) : new Float64Array(0));
      this.hasJudge.push(new Uint8Array(wanted ? promptCount : 0));
    }
    const at = new Int32Array(64);
    let mostHumans = 0;
    for (let p = 0; p < promptCount; p++) {
      const c0 = candidateStart[p]!;
      const n = candidateStart[p + 1]! - c0;
      let humans = 0;
      for (let r = rankingStart[p]!; r < rankingStart[p + 1]!; r++) {
        const k = kind[r]!;
        if (k === HUMAN) at[humans++] = rankOffset[r]!;
        else if (k === GOLD && this.gold[p] === -1) this.gold[p] = r;
        else if (k === ADJUDICATED && this.adjudicated[p] === -1) this.adjudicated[p] = r;
      }
      this.humans[p] = humans;
      mostHumans = Math.max(mostHumans, humans);
      if (humans > 0) {
        consensusInto(ranks, at, humans, n, this.consensus, c0);
        this.hasConsensus[p] = 1;
      }
      for (const runIndex of runs) {
        let perms = 0;
        for (let r = rankingStart[p]!; r < rankingStart[p + 1]!; r++)
          if (kind[r] === JUDGE && run[r] === runIndex) at[perms++] = rankOffset[r]!;
        if (perms === 0) continue;
        consensusInto(ranks, at, perms, n, this.judge[runIndex]!, c0);
        this.hasJudge[runIndex]![p] = 1;
      }
    }
    this.mostHumans = mostHumans;
  }

  /** Prompts as rated by the clinicians (each clinician one rater; keyed by prompt index). */
  humanRated(): RatedPromptSource {
    const { data } = this;
    return (add) => {
      const sources: Float64Array[] = [];
      const offsets = new Int32Array(Math.max(this.mostHumans, 1));
      const raters = new Int32Array(Math.max(this.mostHumans, 1));
      for (let p = 0; p < data.promptCount; p++) {
        let m = 0;
        for (let r = data.rankingStart[p]!; r < data.rankingStart[p + 1]!; r++)
          if (data.kind[r] === HUMAN) {
            sources[m] = data.ranks;
            offsets[m] = data.rankOffset[r]!;
            raters[m++] = data.rater[r]!;
          }
        const c0 = data.candidateStart[p]!;
        add(p, m, data.candidateStart[p + 1]! - c0, sources, offsets, raters, data.candidateModel, c0);
      }
    };
  }

  /** Prompts as rated by two raters: the clinicians' consensus and the run's aggregate (keyed by prompt index). */
  judgeVsConsensus(runIndex: number): RatedPromptSource {
    const { data } = this;
    return (add) => {
      const sources = [this.consensus, this.judge[runIndex]!];
      const offsets = new Int32Array(2);
      const raters = Int32Array.of(-1, runIndex);
      const hasJudge = this.hasJudge[runIndex]!;
      for (let p = 0; p < data.promptCount; p++) {
        if (!this.hasConsensus[p] || !hasJudge[p]) continue;
        const c0 = data.candidateStart[p]!;
        offsets[0] = c0;
        offsets[1] = c0;
        add(p, 2, data.candidateStart[p + 1]! - c0, sources, offsets, raters, data.candidateModel, c0);
      }
    };
  }

  /** The most candidates of a prompt `rated` keeps (the coincidence matrices' size). */
  mostCandidates(rated: (p: number) => boolean): number {
    let most = 0;
    for (let p = 0; p < this.data.promptCount; p++)
      if (rated(p)) most = Math.max(most, this.data.candidateStart[p + 1]! - this.data.candidateStart[p]!);
    return most;
  }
}
