import { PairAgreementTally, type PairAgreement } from "@/lib/agreement/judge-agreement";
import { countPairVerdictsAt, tiedPairShare, type PairVerdictCounts } from "@/lib/agreement/pair-verdicts";
import { consensusInto, median, type ReportViews } from "@/lib/agreement/rating-views";
import { HUMAN, type ReportColumns } from "@/lib/agreement/report-data";

export interface AnnotatorRow {
  raterId: string;
  name: string;
  pseudonym: string;
  external: boolean;
  rankings: number;
  medianSeconds: number | null;
  /** Pairwise agreement with the leave-one-out consensus of the other clinicians (prompts with ≥ 1 other). */
  agreementWithConsensus: number | null;
  tauBWithConsensus: number | null;
  promptsWithOthers: number;
  /**
   * Against the gold ranking, over the gold prompts this clinician ranked: pairwise agreement
   * (pairs pooled), tau-b (mean over prompts) and top-1 (share of prompts with the same best),
   * the figures stored per submission in gold_comparisons.
   */
  agreementWithGold: PairAgreement;
  /** Share of candidate pairs the clinician tied. */
  tieRate: number;
  /** Share of rankings with any flag (on the prompt or a candidate). */
  flagRate: number;
  /** Share of rankings (with a known shown order) that simply kept it: a sign of not ranking. */
  keptShownOrderRate: number | null;
  /** Why the row is highlighted (empty = nothing unusual). */
  outlier: string[];
}

/**
 * Whether ranking r is exactly the order its candidates were shown in, with no ties (null for
 * rankings not made on an assignment: an imported file's order is not a shuffle we chose).
 */
export function keptShownOrder(data: ReportColumns, r: number, n: number): boolean | null {
  if (!data.fromAssignment[r] || n < 2) return null;
  const at = data.rankOffset[r]!;
  for (let i = 0; i < n; i++) if (data.shown[at + i]! < 0) return null;
  for (let i = 0; i < n; i++) if (data.ranks[at + i] !== data.shown[at + i]! + 1) return false;
  return true;
}

/**
 * Outlier rules (robust, relative to the other clinicians; need ≥ 3 clinicians with figures):
 * agreement with the others below median − max(2·MAD·1.4826, 0.1); tie rate above median +
 * max(2·MAD·1.4826, 0.15); median time under a third of the clinicians' median; and, absolutely,
 * keeping the shown order in more than 20% of rankings (chance is 1/N!, under 1% from N = 5).
 */
function markOutliers(rows: AnnotatorRow[]): void {
  const spread = (values: number[]) => {
    const m = median(values)!;
    return { m, mad: 1.4826 * median(values.map((v) => Math.abs(v - m)))! };
  };
  const agreements = rows.map((r) => r.agreementWithConsensus).filter((x): x is number => x !== null);
  if (agreements.length >= 3) {
    const { m, mad } = spread(agreements);
    for (const r of rows)
      if (r.agreementWithConsensus !== null && r.agreementWithConsensus < m - Math.max(2 * mad, 0.1))
        r.outlier.push("low agreement with the others");
  }
  const ties = rows.filter((r) => r.rankings > 0).map((r) => r.tieRate);
  if (ties.length >= 3) {
    const { m, mad } = spread(ties);
    for (const r of rows) if (r.rankings > 0 && r.tieRate > m + Math.max(2 * mad, 0.15)) r.outlier.push("ties far more than the others");
  }
  const times = rows.map((r) => r.medianSeconds).filter((x): x is number => x !== null);
  if (times.length >= 3) {
    const m = median(times)!;
    for (const r of rows) if (r.medianSeconds !== null && r.medianSeconds < m / 3) r.outlier.push("much faster than the others");
  }
  for (const r of rows) if (r.keptShownOrderRate !== null && r.keptShownOrderRate > 0.2) r.outlier.push("often keeps the shown order");
}

const verdicts: PairVerdictCounts = { pairs: 0, same: 0, untiedPairs: 0, untiedSame: 0, tauB: 0 };

/** One row per clinician (or external rater) with human rankings. */
export function annotatorQuality(views: ReportViews): AnnotatorRow[] {
  const { data } = views;
  interface Acc {
    rankings: number;
    times: number[];
    same: number;
    pairs: number;
    tauSum: number;
    tauCount: number;
    others: number;
    gold: PairAgreementTally;
    tied: number;
    flagged: number;
    kept: number;
    keptKnown: number;
  }
  // Raters in order of first appearance.
  const acc: (Acc | undefined)[] = [];
  const order: number[] = [];
  const others = new Int32Array(Math.max(views.mostHumans, 1));
  let leftOut = new Float64Array(16);
  for (let p = 0; p < data.promptCount; p++) {
    const humans = views.humans[p]!;
    if (humans === 0) continue;
    const gold = views.gold[p]!;
    const c0 = data.candidateStart[p]!;
    const n = data.candidateStart[p + 1]! - c0;
    if (leftOut.length < n) leftOut = new Float64Array(n);
    for (let r = data.rankingStart[p]!; r < data.rankingStart[p + 1]!; r++) {
      if (data.kind[r] !== HUMAN) continue;
      const rater = data.rater[r]!;
      const at = data.rankOffset[r]!;
      let a = acc[rater];
      if (!a) {
        acc[rater] = a = {
          rankings: 0,
          times: [],
          same: 0,
          pairs: 0,
          tauSum: 0,
          tauCount: 0,
          others: 0,
          gold: new PairAgreementTally(),
          tied: 0,
          flagged: 0,
          kept: 0,
          keptKnown: 0,
        };
        order.push(rater);
      }
      a.rankings += 1;
      const time = data.timeOnTaskMs[r]!;
      if (time > 0) a.times.push(time);
      a.tied += tiedPairShare(data.ranks, at, n);
      if (data.flagged[r]) a.flagged += 1;
      const kept = keptShownOrder(data, r, n);
      if (kept !== null) {
        a.keptKnown += 1;
        if (kept) a.kept += 1;
      }
      if (humans >= 2) {
        // The consensus of the other clinicians (leave this rater out).
        let count = 0;
        for (let o = data.rankingStart[p]!; o < data.rankingStart[p + 1]!; o++)
          if (data.kind[o] === HUMAN && data.rater[o] !== rater) others[count++] = data.rankOffset[o]!;
        consensusInto(data.ranks, others, count, n, leftOut, 0);
        const v = countPairVerdictsAt(data.ranks, at, leftOut, 0, n, verdicts);
        a.same += v.same;
        a.pairs += v.pairs;
        if (Number.isFinite(v.tauB)) {
          a.tauSum += v.tauB;
          a.tauCount += 1;
        }
        a.others += 1;
      }
      if (gold !== -1 && data.rater[gold] !== rater) a.gold.addAt(data.ranks, at, data.ranks, data.rankOffset[gold]!, n);
    }
  }
  const rows: AnnotatorRow[] = order.map((index) => {
    const a = acc[index]!;
    const id = data.raterIds[index]!;
    const rater = data.raters.get(id);
    const medianMs = median(a.times);
    return {
      raterId: id,
      name: rater?.name ?? "unknown",
      pseudonym: rater?.pseudonym ?? id.slice(0, 8),
      external: rater?.external ?? false,
      rankings: a.rankings,
      medianSeconds: medianMs === null ? null : Math.round(medianMs / 100) / 10,
      agreementWithConsensus: a.pairs ? a.same / a.pairs : null,
      tauBWithConsensus: a.tauCount ? a.tauSum / a.tauCount : null,
      promptsWithOthers: a.others,
      agreementWithGold: a.gold.result(),
      tieRate: a.rankings ? a.tied / a.rankings : 0,
      flagRate: a.rankings ? a.flagged / a.rankings : 0,
      keptShownOrderRate: a.keptKnown ? a.kept / a.keptKnown : null,
      outlier: [],
    };
  });
  markOutliers(rows);
  return rows.sort((x, y) => y.rankings - x.rankings || x.name.localeCompare(y.name));
}

export interface HeatmapCell {
  a: string;
  b: string;
  prompts: number;
  agreement: number | null;
}

/** Pairwise agreement between every two clinicians over the prompts both ranked. */
export function annotatorHeatmap(data: ReportColumns): HeatmapCell[] {
  // Keyed by the two rater indices (the smaller id first): no key strings built per pair of every prompt.
  type Cell = { a: number; b: number; same: number; pairs: number; prompts: number };
  const raters = data.raterIds.length;
  const cells = new Map<number, Cell>();
  // In order of each pair's first appearance.
  const order: Cell[] = [];
  const humans: number[] = [];
  for (let p = 0; p < data.promptCount; p++) {
    humans.length = 0;
    for (let r = data.rankingStart[p]!; r < data.rankingStart[p + 1]!; r++) if (data.kind[r] === HUMAN) humans.push(r);
    const n = data.candidateStart[p + 1]! - data.candidateStart[p]!;
    for (let i = 0; i < humans.length; i++) {
      for (let j = i + 1; j < humans.length; j++) {
        const [x, y] = [humans[i]!, humans[j]!];
        const [a, b] = data.raterIds[data.rater[x]!]! < data.raterIds[data.rater[y]!]! ? [x, y] : [y, x];
        const key = data.rater[a]! * raters + data.rater[b]!;
        let cell = cells.get(key);
        if (!cell) {
          cells.set(key, (cell = { a: data.rater[a]!, b: data.rater[b]!, same: 0, pairs: 0, prompts: 0 }));
          order.push(cell);
        }
        const v = countPairVerdictsAt(data.ranks, data.rankOffset[a]!, data.ranks, data.rankOffset[b]!, n, verdicts);
        cell.same += v.same;
        cell.pairs += v.pairs;
        cell.prompts += 1;
      }
    }
  }
  return order.map((c) => ({
    a: data.raterIds[c.a]!,
    b: data.raterIds[c.b]!,
    prompts: c.prompts,
    agreement: c.pairs ? c.same / c.pairs : null,
  }));
}
