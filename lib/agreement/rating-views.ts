import type { RatedPromptSource } from "@/lib/agreement/agreement-figures";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import type { WinsSource } from "@/lib/agreement/model-strengths";
import { ADJUDICATED, GOLD, HUMAN, JUDGE, type ReportColumns } from "@/lib/agreement/report-data";

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

  /**
   * The prompts `keep` picks for a model comparison: the models of their candidates (sorted) and
   * a source handing each prompt's rankings over in place, model indices into that list.
   */
  private wins(keep: (p: number) => boolean, hand: (p: number, add: Parameters<WinsSource>[0], models: Int32Array) => void) {
    const { data } = this;
    const seen = new Uint8Array(data.models.length);
    for (let p = 0; p < data.promptCount; p++)
      if (keep(p)) for (let c = data.candidateStart[p]!; c < data.candidateStart[p + 1]!; c++) seen[data.candidateModel[c]!] = 1;
    const models = data.models.filter((_, m) => seen[m] === 1).sort();
    const indexOf = new Map(models.map((m, i) => [m, i]));
    // A loop, not Int32Array.from with a mapping function: that took a microsecond per candidate.
    const indexOfModel = data.models.map((m) => indexOf.get(m) ?? -1);
    const compareIndex = new Int32Array(data.candidateModel.length);
    for (let c = 0; c < compareIndex.length; c++) compareIndex[c] = indexOfModel[data.candidateModel[c]!]!;
    const add: WinsSource = (take) => {
      for (let p = 0; p < data.promptCount; p++) if (keep(p)) hand(p, take, compareIndex);
    };
    return { models, add };
  }

  /** The clinicians' rankings of each prompt they ranked, for the model comparison. */
  humanWins(): { models: string[]; add: WinsSource } {
    const { data } = this;
    const sources: Float64Array[] = [];
    const offsets = new Int32Array(Math.max(this.mostHumans, 1));
    return this.wins(
      (p) => this.humans[p]! > 0,
      (p, take, models) => {
        let m = 0;
        for (let r = data.rankingStart[p]!; r < data.rankingStart[p + 1]!; r++)
          if (data.kind[r] === HUMAN) {
            sources[m] = data.ranks;
            offsets[m++] = data.rankOffset[r]!;
          }
        const c0 = data.candidateStart[p]!;
        take(data.candidateStart[p + 1]! - c0, m, sources, offsets, models, c0);
      },
    );
  }

  /** A judge run's aggregate of each prompt it ranked, for the model comparison. */
  judgeWins(runIndex: number): { models: string[]; add: WinsSource } {
    const { data } = this;
    const sources = [this.judge[runIndex]!];
    const offsets = new Int32Array(1);
    return this.wins(
      (p) => this.hasJudge[runIndex]![p] === 1,
      (p, take, models) => {
        const c0 = data.candidateStart[p]!;
        offsets[0] = c0;
        take(data.candidateStart[p + 1]! - c0, 1, sources, offsets, models, c0);
      },
    );
  }

  /** The most candidates of a prompt `rated` keeps (the coincidence matrices' size). */
  mostCandidates(rated: (p: number) => boolean): number {
    let most = 0;
    for (let p = 0; p < this.data.promptCount; p++)
      if (rated(p)) most = Math.max(most, this.data.candidateStart[p + 1]! - this.data.candidateStart[p]!);
    return most;
  }
}
