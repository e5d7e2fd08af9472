import { BOOTSTRAP_RESAMPLES, bootstrapWeights, percentileInterval } from "@/lib/agreement/bootstrap";
import type { CritiqueSpan } from "@/lib/critiques/spans";
import { CRITIQUE_SEVERITIES, type CritiqueSeverity } from "@/lib/critiques/taxonomy";

/** What overlap needs of a span: where it is and its tag. */
export type AgreementSpan = Pick<CritiqueSpan, "start" | "end" | "tag">;

/**
 * Character-level overlap of rater B's marking against rater A's, on one candidate: the code
 * points each marked (a code point marked by several of a rater's spans counts once) and those both
 * marked. precision = overlap / markedB, recall = overlap / markedA, F1 = 2·overlap / (markedA +
 * markedB) (symmetric in A and B). Each is null when its denominator is 0: F1 is null exactly when
 * neither rater marked anything, and such pairs are left out of every mean (spanAgreement).
 */
export interface OverlapScore {
  markedA: number;
  markedB: number;
  overlap: number;
  precision: number | null;
  recall: number | null;
  f1: number | null;
}

/** Overall (tags ignored: the union of each rater's spans) and per tag (every tag either rater used). */
export interface SpanOverlap {
  overall: OverlapScore;
  byTag: Map<string, OverlapScore>;
}

type Interval = [start: number, end: number];

/** The code points covered by the spans, as sorted disjoint intervals. */
function coverage(spans: readonly AgreementSpan[]): Interval[] {
  const sorted = spans.filter((s) => s.end > s.start).sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const { start, end } of sorted) {
    const last = out[out.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else out.push([start, end]);
  }
  return out;
}

const covered = (intervals: readonly Interval[]) => intervals.reduce((sum, [s, e]) => sum + e - s, 0);

function intersection(a: readonly Interval[], b: readonly Interval[]): number {
  let total = 0;
  for (let i = 0, j = 0; i < a.length && j < b.length;) {
    total += Math.max(0, Math.min(a[i]![1], b[j]![1]) - Math.max(a[i]![0], b[j]![0]));
    if (a[i]![1] < b[j]![1]) i++;
    else j++;
  }
  return total;
}

const ratio = (numerator: number, denominator: number) => (denominator === 0 ? null : numerator / denominator);

function score(a: readonly AgreementSpan[], b: readonly AgreementSpan[]): OverlapScore {
  const ca = coverage(a);
  const cb = coverage(b);
  const markedA = covered(ca);
  const markedB = covered(cb);
  const overlap = intersection(ca, cb);
  return {
    markedA,
    markedB,
    overlap,
    precision: ratio(overlap, markedB),
    recall: ratio(overlap, markedA),
    f1: ratio(2 * overlap, markedA + markedB),
  };
}

/** The overlap of rater B's spans against rater A's on the same candidate, overall and per tag. */
export function spanOverlap(spansA: readonly AgreementSpan[], spansB: readonly AgreementSpan[]): SpanOverlap {
  const tags = [...new Set([...spansA, ...spansB].map((s) => s.tag))].sort();
  return {
    overall: score(spansA, spansB),
    byTag: new Map(
      tags.map((tag) => [
        tag,
        score(
          spansA.filter((s) => s.tag === tag),
          spansB.filter((s) => s.tag === tag),
        ),
      ]),
    ),
  };
}

/** One candidate's spans by rater (a rater listed twice has their spans joined). */
export interface CandidateSpans {
  candidate: string;
  raters: readonly { rater: string; spans: readonly AgreementSpan[] }[];
}

export interface SpanAgreementOptions {
  /** Seeds the bootstrap: the same seed gives the same intervals. */
  seed: string | number;
  resamples?: number;
  /**
   * Only pairs of this rater (as B) with each other rater of a candidate (as A), e.g. a judge
   * against the clinicians; candidates without this rater are left out. Precision and recall are
   * then this rater's against the others. Without it every unordered pair of raters counts, and
   * precision and recall are null (they would depend on which rater of a pair is called A).
   */
  comparedRater?: string;
}

/** Micro-averaged agreement for one tag (or overall, tag null) over every counted pair of every candidate. */
export interface TagSpanAgreement {
  tag: string | null;
  /** Rater pairs where at least one rater marked something (F1 defined); pairs where neither did are left out. */
  pairs: number;
  /** Σ overlap and Σ (markedA + markedB) over the pairs. */
  overlap: number;
  marked: number;
  /** 2·Σ overlap / Σ (markedA + markedB); null when no pair marked anything. */
  f1: number | null;
  /** 95% percentile bootstrap interval of f1, resampling candidates; null when f1 is. */
  interval: [number, number] | null;
  precision: number | null;
  recall: number | null;
}

export interface SpanAgreement {
  /** Candidates with at least two raters (with comparedRater: with it and another rater), the bootstrap's units. */
  candidates: number;
  /** Rater pairs compared (whether or not they marked anything). */
  pairs: number;
  overall: TagSpanAgreement;
  /** Per tag any counted rater used, by key. */
  byTag: TagSpanAgreement[];
}

/** Per dimension (0 = overall, then tags) of one candidate, summed over its pairs. */
interface CandidateSums {
  overlap: Map<number, number>;
  marked: Map<number, number>;
  markedA: Map<number, number>;
  markedB: Map<number, number>;
  defined: Map<number, number>;
}

const add = (map: Map<number, number>, key: number, value: number) => map.set(key, (map.get(key) ?? 0) + value);

function ratersOf(candidate: CandidateSpans): Map<string, AgreementSpan[]> {
  const byRater = new Map<string, AgreementSpan[]>();
  for (const { rater, spans } of candidate.raters) byRater.set(rater, [...(byRater.get(rater) ?? []), ...spans]);
  return byRater;
}

/** The [A, B] rater pairs of a candidate counted under the options. */
function pairsOf(raters: string[], comparedRater: string | undefined): [string, string][] {
  if (comparedRater !== undefined)
    return raters.includes(comparedRater) ? raters.filter((r) => r !== comparedRater).map((r) => [r, comparedRater]) : [];
  return raters.flatMap((a, i) => raters.slice(i + 1).map((b): [string, string] => [a, b]));
}

/**
 * Span agreement between raters of the same candidates: for every candidate with at least two raters,
 * every pair of its raters (or, with comparedRater, that rater against each other one), the
 * character-level overlap per tag and overall (spanOverlap), micro-averaged over all pairs:
 * F1 = 2·Σ overlap / Σ (markedA + markedB). Pairs where neither rater marked anything (for a tag:
 * neither used it) add nothing to either sum, so they are left out. The 95% intervals are
 * percentile bootstrap intervals resampling candidates (all of a candidate's pairs together), seeded.
 */
export function spanAgreement(candidates: readonly CandidateSpans[], options: SpanAgreementOptions): SpanAgreement {
  const tagIndex = new Map<string, number>();
  const dimension = (tag: string) => tagIndex.get(tag) ?? tagIndex.set(tag, tagIndex.size + 1).get(tag)!;
  const units: CandidateSums[] = [];
  let pairCount = 0;
  for (const candidate of candidates) {
    const byRater = ratersOf(candidate);
    const pairs = pairsOf([...byRater.keys()], options.comparedRater);
    if (pairs.length === 0) continue;
    const sums: CandidateSums = { overlap: new Map(), marked: new Map(), markedA: new Map(), markedB: new Map(), defined: new Map() };
    for (const [a, b] of pairs) {
      const { overall, byTag } = spanOverlap(byRater.get(a)!, byRater.get(b)!);
      for (const [d, s] of [[0, overall] as const, ...[...byTag].map(([tag, s]) => [dimension(tag), s] as const)]) {
        add(sums.overlap, d, s.overlap);
        add(sums.marked, d, s.markedA + s.markedB);
        add(sums.markedA, d, s.markedA);
        add(sums.markedB, d, s.markedB);
        add(sums.defined, d, s.f1 === null ? 0 : 1);
      }
    }
    pairCount += pairs.length;
    units.push(sums);
  }
  const draws = bootstrapF1(units, tagIndex.size + 1, options);
  const directed = options.comparedRater !== undefined;
  const summary = (tag: string | null, d: number): TagSpanAgreement => {
    const total = (key: keyof CandidateSums) => units.reduce((sum, u) => sum + (u[key].get(d) ?? 0), 0);
    const f1 = ratio(2 * total("overlap"), total("marked"));
    return {
      tag,
      pairs: total("defined"),
      overlap: total("overlap"),
      marked: total("marked"),
      f1,
      interval: f1 === null ? null : percentileInterval(draws[d]!),
      precision: directed ? ratio(total("overlap"), total("markedB")) : null,
      recall: directed ? ratio(total("overlap"), total("markedA")) : null,
    };
  };
  return {
    candidates: units.length,
    pairs: pairCount,
    overall: summary(null, 0),
    byTag: [...tagIndex].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([tag, d]) => summary(tag, d)),
  };
}

/** Per dimension, the resampled micro F1s (NaN where a resample marked nothing; percentileInterval skips those). */
function bootstrapF1(units: readonly CandidateSums[], dimensions: number, options: SpanAgreementOptions): number[][] {
  const draws: number[][] = Array.from({ length: dimensions }, () => []);
  if (units.length === 0) return draws;
  const overlap = new Float64Array(dimensions);
  const marked = new Float64Array(dimensions);
  for (const weights of bootstrapWeights(units.length, options.resamples ?? BOOTSTRAP_RESAMPLES, `span-agreement:${options.seed}`)) {
    overlap.fill(0);
    marked.fill(0);
    units.forEach((unit, i) => {
      const w = weights[i]!;
      if (w === 0) return;
      for (const [d, v] of unit.overlap) overlap[d]! += w * v;
      for (const [d, v] of unit.marked) marked[d]! += w * v;
    });
    for (let d = 0; d < dimensions; d++) draws[d]!.push((2 * overlap[d]!) / marked[d]!);
  }
  return draws;
}

/** One stored span, as the dashboard's statistics count it. */
export interface SpanStatisticsRow {
  model: string;
  source: string;
  rater: string;
  tag: string;
  severity: CritiqueSeverity;
}

export interface SpanStatistics {
  total: number;
  byTag: { tag: string; count: number }[];
  /** Every severity, least serious first, zero when none. */
  bySeverity: { severity: CritiqueSeverity; count: number }[];
  byTagAndModel: { tag: string; model: string; count: number }[];
  byTagAndSource: { tag: string; source: string; count: number }[];
  byTagAndRater: { tag: string; rater: string; count: number }[];
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Counts of [tag, other] pairs, sorted by tag then by the other value. */
function crossCounts(rows: readonly SpanStatisticsRow[], other: (row: SpanStatisticsRow) => string): [string, string, number][] {
  const counts = new Map<string, Map<string, number>>();
  for (const row of rows) {
    const inner = counts.get(row.tag) ?? counts.set(row.tag, new Map()).get(row.tag)!;
    inner.set(other(row), (inner.get(other(row)) ?? 0) + 1);
  }
  return [...counts]
    .sort(([a], [b]) => compareText(a, b))
    .flatMap(([tag, inner]) =>
      [...inner].sort(([a], [b]) => compareText(a, b)).map(([value, count]): [string, string, number] => [tag, value, count]),
    );
}

/** Span counts for the agreement dashboard: by tag, by severity, and by tag × model, × source and × rater (only pairs that occur). */
export function spanStatistics(rows: readonly SpanStatisticsRow[]): SpanStatistics {
  return {
    total: rows.length,
    byTag: crossCounts(rows, () => "").map(([tag, , count]) => ({ tag, count })),
    bySeverity: CRITIQUE_SEVERITIES.map((severity) => ({ severity, count: rows.filter((r) => r.severity === severity).length })),
    byTagAndModel: crossCounts(rows, (r) => r.model).map(([tag, model, count]) => ({ tag, model, count })),
    byTagAndSource: crossCounts(rows, (r) => r.source).map(([tag, source, count]) => ({ tag, source, count })),
    byTagAndRater: crossCounts(rows, (r) => r.rater).map(([tag, rater, count]) => ({ tag, rater, count })),
  };
}
