import {
  spanAgreement,
  spanStatistics,
  type CandidateSpans,
  type SpanAgreement,
  type SpanStatistics,
} from "@/lib/critiques/span-agreement";
import type { CritiqueSeverity } from "@/lib/critiques/taxonomy";

/**
 * The agreement dashboard's span figures, from the spans of the rankings' latest revisions and
 * who ranked each marked candidate (pure: lib/critiques/queries.ts reads the rows).
 */

/** Who marked (or ranked): a clinician (by user id) or a judge run (by run id, its permutations together). */
export interface SpanRater {
  kind: "clinician" | "judge";
  /** The user's id or the judge run's id. */
  key: string;
}

/** One counted span: a clinician's or a judge run's, in a ranking's latest revision. */
export interface DashboardSpan extends SpanRater {
  completionId: string;
  start: number;
  end: number;
  tag: string;
  severity: CritiqueSeverity;
  model: string;
  /** The prompt's source dataset, "(none)" when it has none (as the report's breakdowns name it). */
  source: string;
  /** The rater as the viewer may read them (a pseudonym for researchers). */
  label: string;
}

/** A rater's latest ranking covering a candidate (whether or not they marked it). */
export interface CandidateRanker extends SpanRater {
  completionId: string;
}

/** spanAgreement's result and, per tag, how many candidates it rests on (for the "too few" rule). */
export interface DashboardSpanAgreement extends SpanAgreement {
  /** Candidates where a counted rater used the tag, by tag key. */
  candidatesByTag: Record<string, number>;
}

export interface JudgeSpanAgreement {
  runId: string;
  /** The run's spans counted (a text its permutations marked alike with the same tag counts once). */
  spans: number;
  agreement: DashboardSpanAgreement;
}

export interface SpanDashboardFigures {
  /** The clinicians' spans counted by tag, severity, and tag × model, source and rater: their rankings' and their pair answers'. */
  statistics: SpanStatistics;
  /** Of statistics.total, the spans marked in pair answers (verification sets). */
  pairAnswerSpans: number;
  /** Clinicians with each other on the candidates at least one of them marked. */
  clinicians: DashboardSpanAgreement;
  /** Each judge run with spans against the clinicians (clinicians as A, the run as B), in run-id order. */
  judges: JudgeSpanAgreement[];
}

const raterId = (r: SpanRater) => `${r.kind}:${r.key}`;

/**
 * The candidates one comparison counts: those where one of the counted raters marked something,
 * each with every counted rater who ranked it (their spans, or none). A candidate nobody counted
 * marked adds nothing to any F1 (spanAgreement leaves out pairs where neither rater marked), so it
 * is not read at all; a rater who ranked a marked candidate and marked nothing counts (F1 0 for
 * that pair).
 */
export function agreementCandidates(
  spans: readonly DashboardSpan[],
  rankers: readonly CandidateRanker[],
  counted: (rater: SpanRater) => boolean,
): CandidateSpans[] {
  const byCandidate = new Map<string, Map<string, DashboardSpan[]>>();
  for (const span of spans) {
    if (!counted(span)) continue;
    const raters = byCandidate.get(span.completionId) ?? byCandidate.set(span.completionId, new Map()).get(span.completionId)!;
    raters.set(raterId(span), [...(raters.get(raterId(span)) ?? []), span]);
  }
  for (const ranker of rankers) {
    const raters = byCandidate.get(ranker.completionId);
    if (raters && counted(ranker) && !raters.has(raterId(ranker))) raters.set(raterId(ranker), []);
  }
  return [...byCandidate]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([candidate, raters]) => ({
      candidate,
      raters: [...raters].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([rater, marked]) => ({ rater, spans: marked })),
    }));
}

/** spanAgreement over the candidates, with each tag's number of candidates (those the comparison counts: with comparedRater, only where it rated). */
function agreementOf(candidates: CandidateSpans[], seed: string, comparedRater?: string): DashboardSpanAgreement {
  const counted = candidates.filter((c) => c.raters.length > 1 && (!comparedRater || c.raters.some((r) => r.rater === comparedRater)));
  const candidatesByTag: Record<string, number> = {};
  for (const candidate of counted)
    for (const tag of new Set(candidate.raters.flatMap((r) => r.spans.map((s) => s.tag))))
      candidatesByTag[tag] = (candidatesByTag[tag] ?? 0) + 1;
  return { ...spanAgreement(candidates, { seed, comparedRater }), candidatesByTag };
}

/** Spans a judge run's permutations marked alike (same candidate, offsets and tag) once. */
function distinctJudgeSpans(spans: readonly DashboardSpan[]): number {
  return new Set(spans.map((s) => `${s.completionId}:${s.start}:${s.end}:${s.tag}`)).size;
}

/**
 * The dashboard's span figures: the clinicians' span statistics (their rankings' spans and
 * `pairAnswerSpans`, those of their answers on verification pairs), their span agreement on the
 * candidates they marked, and each judge run's against them. Agreement compares rankings only: a
 * pair answer saw two of a prompt's candidates, and its clinician may have ranked the same ones.
 * `seed` seeds every bootstrap (the same data and seed give the same intervals).
 */
export function spanDashboardFigures(
  spans: readonly DashboardSpan[],
  rankers: readonly CandidateRanker[],
  seed: string,
  pairAnswerSpans: readonly DashboardSpan[] = [],
): SpanDashboardFigures {
  const clinicianSpans = [...spans.filter((s) => s.kind === "clinician"), ...pairAnswerSpans];
  const isClinician = (r: SpanRater) => r.kind === "clinician";
  const runIds = [...new Set(spans.filter((s) => s.kind === "judge").map((s) => s.key))].sort();
  return {
    statistics: spanStatistics(
      clinicianSpans.map((s) => ({ model: s.model, source: s.source, rater: s.label, tag: s.tag, severity: s.severity })),
    ),
    pairAnswerSpans: pairAnswerSpans.length,
    clinicians: agreementOf(agreementCandidates(spans, rankers, isClinician), `${seed}:clinicians`),
    judges: runIds.map((runId) => {
      const judge: SpanRater = { kind: "judge", key: runId };
      const candidates = agreementCandidates(spans, rankers, (r) => isClinician(r) || raterId(r) === raterId(judge));
      return {
        runId,
        spans: distinctJudgeSpans(spans.filter((s) => s.kind === "judge" && s.key === runId)),
        agreement: agreementOf(candidates, `${seed}:judge:${runId}`, raterId(judge)),
      };
    }),
  };
}
