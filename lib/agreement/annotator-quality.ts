import { PairAgreementTally, type PairAgreement } from "@/lib/agreement/judge-agreement";
import { countPairVerdicts, tiedPairShare, type PairVerdictCounts } from "@/lib/agreement/pair-verdicts";
import type { ReportPrompt, ReportRater, ReportRanking } from "@/lib/agreement/report-data";
import { humanConsensus, humanRankings, latestOfKind, median } from "@/lib/agreement/rating-views";

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
 * Whether the ranking is exactly the order the candidates were shown in, with no ties (null for
 * rankings not made on an assignment: an imported file's order is not a shuffle we chose).
 */
export function keptShownOrder(r: ReportRanking): boolean | null {
  const n = r.ranks.length;
  if (!r.fromAssignment || n < 2 || r.shownPositions.some((p) => p < 0)) return null;
  for (let i = 0; i < n; i++) if (r.ranks[i] !== r.shownPositions[i]! + 1) return false;
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

/** One row per clinician (or external rater) with human rankings in the prompts given. */
export function annotatorQuality(prompts: readonly ReportPrompt[], raters: ReadonlyMap<string, ReportRater>): AnnotatorRow[] {
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
  const acc = new Map<string, Acc>();
  for (const prompt of prompts) {
    const humans = humanRankings(prompt);
    const gold = latestOfKind(prompt, "GOLD");
    for (const r of humans) {
      const id = r.raterId!;
      let a = acc.get(id);
      if (!a)
        acc.set(
          id,
          (a = {
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
          }),
        );
      a.rankings += 1;
      if (r.timeOnTaskMs !== null && r.timeOnTaskMs > 0) a.times.push(r.timeOnTaskMs);
      a.tied += tiedPairShare(r.ranks);
      if (r.flagged) a.flagged += 1;
      const kept = keptShownOrder(r);
      if (kept !== null) {
        a.keptKnown += 1;
        if (kept) a.kept += 1;
      }
      if (humans.length >= 2) {
        const v = countPairVerdicts(r.ranks, humanConsensus(prompt, id)!, verdicts);
        a.same += v.same;
        a.pairs += v.pairs;
        if (Number.isFinite(v.tauB)) {
          a.tauSum += v.tauB;
          a.tauCount += 1;
        }
        a.others += 1;
      }
      if (gold && gold.raterId !== id) a.gold.add(r.ranks, gold.ranks);
    }
  }
  const rows: AnnotatorRow[] = [...acc].map(([id, a]) => {
    const rater = raters.get(id);
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
export function annotatorHeatmap(prompts: readonly ReportPrompt[]): HeatmapCell[] {
  // Keyed by the two rater ids (first < second) in nested maps: no key strings built per pair of every prompt.
  type Cell = { a: string; b: string; same: number; pairs: number; prompts: number };
  const cells = new Map<string, Map<string, Cell>>();
  // In order of each pair's first appearance.
  const order: Cell[] = [];
  for (const prompt of prompts) {
    const humans = humanRankings(prompt);
    for (let i = 0; i < humans.length; i++) {
      for (let j = i + 1; j < humans.length; j++) {
        const [a, b] = humans[i]!.raterId! < humans[j]!.raterId! ? [humans[i]!, humans[j]!] : [humans[j]!, humans[i]!];
        let row = cells.get(a.raterId!);
        if (!row) cells.set(a.raterId!, (row = new Map()));
        let cell = row.get(b.raterId!);
        if (!cell) {
          row.set(b.raterId!, (cell = { a: a.raterId!, b: b.raterId!, same: 0, pairs: 0, prompts: 0 }));
          order.push(cell);
        }
        const v = countPairVerdicts(a.ranks, b.ranks, verdicts);
        cell.same += v.same;
        cell.pairs += v.pairs;
        cell.prompts += 1;
      }
    }
  }
  return order.map((c) => ({ a: c.a, b: c.b, prompts: c.prompts, agreement: c.pairs ? c.same / c.pairs : null }));
}
