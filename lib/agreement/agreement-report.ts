import { AgreementFigureSet, type AgreementFigures } from "@/lib/agreement/agreement-figures";
import { annotatorHeatmap, annotatorQuality, type AnnotatorRow, type HeatmapCell } from "@/lib/agreement/annotator-quality";
import { judgeAgreement, judgeVsJudge, type JudgeAgreement, type PairAgreement } from "@/lib/agreement/judge-agreement";
import { compareModelsOf, type ModelComparison } from "@/lib/agreement/model-strengths";
import { countPairVerdictsAt, type PairVerdictCounts } from "@/lib/agreement/pair-verdicts";
import { biasSeries, selfPreference, type BiasSeries, type SelfPreference } from "@/lib/agreement/rating-bias";
import { ReportViews } from "@/lib/agreement/rating-views";
import { HUMAN, JUDGE, type ReportColumns } from "@/lib/agreement/report-data";

export interface BreakdownGroup {
  value: string;
  prompts: number;
  humanHuman: AgreementFigures;
  judges: { runId: string; vsConsensus: AgreementFigures }[];
}

export interface DisagreementRow {
  promptId: string;
  preview: string;
  source: string | null;
  promptType: string | null;
  humanRankings: number;
  judgeRuns: number;
  /** Pairwise agreement over every pair of raters (clinicians and judge runs). */
  agreement: number;
  /** Between clinicians only (null with fewer than two). */
  humanAgreement: number | null;
  adjudicated: boolean;
}

export interface AgreementReport {
  counts: {
    prompts: number;
    /** promptsWithHumanRankings[k − 1] = prompts with at least k human rankings. */
    promptsWithHumanRankings: number[];
    humanRankings: number;
    judgeRankings: number;
    annotators: number;
    goldPrompts: number;
    goldPromptsRanked: number;
    adjudicatedPrompts: number;
  };
  humanHuman: AgreementFigures;
  judges: JudgeAgreement[];
  judgeVsJudge: (PairAgreement & { a: string; b: string })[];
  runs: { id: string; name: string; model: string | null }[];
  annotators: AnnotatorRow[];
  heatmap: HeatmapCell[];
  bias: { candidates: number | null; series: BiasSeries[]; selfPreference: SelfPreference[] };
  models: { key: string; label: string; comparison: ModelComparison }[];
  breakdowns: { bySource: BreakdownGroup[]; byType: BreakdownGroup[] };
  disagreements: DisagreementRow[];
}

/** Resamples behind the per-source and per-type intervals (many groups; the project-level ones use BOOTSTRAP_RESAMPLES). */
export const BREAKDOWN_RESAMPLES = 100;

export interface ReportOptions {
  /** Bootstrap resamples for the project-level intervals. */
  resamples?: number;
  /** For the per-source and per-type intervals (many groups; fewer resamples keep them affordable). */
  breakdownResamples?: number;
  seed?: string | number;
  disagreementLimit?: number;
}

/** Prompt indices grouped by a value (null as "(none)"), largest group first, then by value. */
function groupBy(values: readonly (string | null)[]): [string, number[]][] {
  const groups = new Map<string, number[]>();
  values.forEach((value, p) => {
    const k = value ?? "(none)";
    const group = groups.get(k);
    if (group) group.push(p);
    else groups.set(k, [p]);
  });
  return [...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0]));
}

const verdicts: PairVerdictCounts = { pairs: 0, same: 0, untiedPairs: 0, untiedSame: 0, tauB: 0 };

/**
 * The prompts that can be among the `limit` raters agree on least (every clinician and each judge run's
 * aggregate a rater, clinicians first), with what their rows show: each prompt's agreement is a number
 * first, and only the prompts at or under the limit-th lowest agreement are kept. Numbers only, so the
 * raters half can compute it on its thread; `disagreementRows` orders them and adds the prompts' texts.
 */
export interface DisagreementCandidates {
  prompts: Int32Array;
  agreement: Float64Array;
  /** NaN with fewer than two clinicians. */
  humanAgreement: Float64Array;
  humanRankings: Int32Array;
  judgeRuns: Int32Array;
  adjudicated: Uint8Array;
}

function disagreementCandidates(views: ReportViews, runIndices: readonly number[], limit: number): DisagreementCandidates {
  const { data } = views;
  const agreement = new Float64Array(data.promptCount).fill(Number.NaN);
  const humanAgreement = new Float64Array(data.promptCount).fill(Number.NaN);
  const judgeRuns = new Int32Array(data.promptCount);
  const sources: Float64Array[] = [];
  const offsets: number[] = [];
  for (let p = 0; p < data.promptCount; p++) {
    const c0 = data.candidateStart[p]!;
    const n = data.candidateStart[p + 1]! - c0;
    let m = 0;
    for (let r = data.rankingStart[p]!; r < data.rankingStart[p + 1]!; r++)
      if (data.kind[r] === HUMAN) {
        sources[m] = data.ranks;
        offsets[m++] = data.rankOffset[r]!;
      }
    const humans = m;
    for (const run of runIndices)
      if (views.hasJudge[run]![p]) {
        sources[m] = views.judge[run]!;
        offsets[m++] = c0;
      }
    judgeRuns[p] = m - humans;
    if (m < 2) continue;
    let same = 0,
      pairs = 0,
      hSame = 0,
      hPairs = 0;
    for (let i = 0; i < m; i++) {
      for (let j = i + 1; j < m; j++) {
        const v = countPairVerdictsAt(sources[i]!, offsets[i]!, sources[j]!, offsets[j]!, n, verdicts);
        same += v.same;
        pairs += v.pairs;
        if (i < humans && j < humans) {
          hSame += v.same;
          hPairs += v.pairs;
        }
      }
    }
    agreement[p] = pairs ? same / pairs : 1;
    if (hPairs) humanAgreement[p] = hSame / hPairs;
  }
  // The limit-th lowest agreement: prompts above it cannot be shown.
  const sorted = agreement.filter((x) => !Number.isNaN(x)).sort();
  const cutoff = sorted.length > limit ? sorted[limit - 1]! : Number.POSITIVE_INFINITY;
  const kept: number[] = [];
  for (let p = 0; p < data.promptCount; p++) if (agreement[p]! <= cutoff) kept.push(p);
  const prompts = Int32Array.from(kept);
  return {
    prompts,
    agreement: Float64Array.from(prompts, (p) => agreement[p]!),
    humanAgreement: Float64Array.from(prompts, (p) => humanAgreement[p]!),
    humanRankings: Int32Array.from(prompts, (p) => views.humans[p]!),
    judgeRuns: Int32Array.from(prompts, (p) => judgeRuns[p]!),
    adjudicated: Uint8Array.from(prompts, (p) => (views.adjudicated[p] !== -1 ? 1 : 0)),
  };
}

/** The `limit` prompts raters agree on least, least first (ties by prompt id), as the report lists them. */
function disagreementRows(data: ReportColumns, candidates: DisagreementCandidates, limit: number): DisagreementRow[] {
  const ids = data.promptIds;
  const { prompts, agreement } = candidates;
  const shown = Array.from(prompts.keys())
    .sort((a, b) => agreement[a]! - agreement[b]! || ids[prompts[a]!]!.localeCompare(ids[prompts[b]!]!))
    .slice(0, limit);
  return shown.map((k) => {
    const p = prompts[k]!;
    return {
      promptId: ids[p]!,
      preview: data.previews[p]!,
      source: data.sources[p]!,
      promptType: data.promptTypes[p]!,
      humanRankings: candidates.humanRankings[k]!,
      judgeRuns: candidates.judgeRuns[k]!,
      agreement: agreement[k]!,
      humanAgreement: Number.isNaN(candidates.humanAgreement[k]!) ? null : candidates.humanAgreement[k]!,
      adjudicated: candidates.adjudicated[k] === 1,
    };
  });
}

/** What both halves of the report start from: the project's judge runs with rankings and the per-prompt views. */
interface ReportBasis {
  data: ReportColumns;
  figureOptions: { resamples?: number; seed: string | number };
  runs: { id: string; name: string; model: string | null }[];
  runIds: string[];
  runIndices: number[];
  views: ReportViews;
}

function reportBasis(data: ReportColumns, options: ReportOptions): ReportBasis {
  const figureOptions = { resamples: options.resamples, seed: options.seed ?? 0 };
  // The project's judge runs with any ranking (their indices in data.runIds are their order in data.runs).
  const withRankings = new Uint8Array(data.runIds.length);
  for (let r = 0; r < data.run.length; r++) if (data.run[r]! >= 0) withRankings[data.run[r]!] = 1;
  const runs = [...data.runs.values()].filter((_, i) => withRankings[i] === 1);
  const runIds = runs.map((r) => r.id);
  const runIndices = runIds.map((id) => data.runIds.indexOf(id));
  return { data, figureOptions, runs, runIds, runIndices, views: new ReportViews(data, runIndices) };
}

/**
 * The report's sections in two halves of about the same cost at 100k prompts (the agreement figures;
 * the raters, bias and model comparisons), so that two threads can compute them at once
 * (lib/agreement/report-threads.ts). Each half is a pure function of the data and options.
 */
export type AgreementHalf = Pick<AgreementReport, "counts" | "humanHuman" | "judges" | "judgeVsJudge" | "runs" | "breakdowns">;
/** The disagreements' numbers are computed here too (the other half is the longer); `joinHalves` adds their texts. */
export type RatersHalf = Pick<AgreementReport, "annotators" | "heatmap" | "bias" | "models"> & {
  disagreementCandidates: DisagreementCandidates;
};

function agreementHalfOf(basis: ReportBasis, options: ReportOptions): AgreementHalf {
  const { data, figureOptions, runs, runIds, runIndices, views } = basis;
  const humanCounts = views.humans;
  const maxK = Math.max(3, views.mostHumans);
  const humanSet = new AgreementFigureSet({
    source: views.humanRated(),
    mostCandidates: views.mostCandidates((p) => views.humans[p]! >= 2),
  });
  const judgeSets = new Map(
    runIds.map((runId, i) => {
      const run = runIndices[i]!;
      const rated = (p: number) => views.hasConsensus[p] === 1 && views.hasJudge[run]![p] === 1;
      return [runId, new AgreementFigureSet({ source: views.judgeVsConsensus(run), mostCandidates: views.mostCandidates(rated) })];
    }),
  );
  const breakdown = (values: readonly (string | null)[]): BreakdownGroup[] => {
    const groups = groupBy(values);
    const groupOf = new Int32Array(data.promptCount).fill(-1);
    groups.forEach(([, members], g) => members.forEach((p) => (groupOf[p] = g)));
    const groupOptions = (g: number) => ({
      resamples: options.breakdownResamples ?? BREAKDOWN_RESAMPLES,
      seed: `${figureOptions.seed}:${groups[g]![0]}`,
    });
    const human = humanSet.figuresByGroup(groupOf, groups.length, groupOptions);
    const judges = runIds.map((runId) => judgeSets.get(runId)!.figuresByGroup(groupOf, groups.length, groupOptions));
    return groups.map(([value, members], g) => ({
      value,
      prompts: members.length,
      humanHuman: human[g]!,
      judges: runIds.map((runId, i) => ({ runId, vsConsensus: judges[i]![g]! })),
    }));
  };
  let judgeRankings = 0;
  for (let r = 0; r < data.kind.length; r++) if (data.kind[r] === JUDGE) judgeRankings += 1;
  const annotators = new Uint8Array(data.raterIds.length);
  for (let r = 0; r < data.kind.length; r++) if (data.kind[r] === HUMAN) annotators[data.rater[r]!] = 1;
  let goldPrompts = 0,
    goldPromptsRanked = 0,
    adjudicatedPrompts = 0;
  for (let p = 0; p < data.promptCount; p++) {
    if (views.gold[p] !== -1) goldPrompts += 1;
    if (views.gold[p] !== -1 && humanCounts[p]! > 0) goldPromptsRanked += 1;
    if (views.adjudicated[p] !== -1) adjudicatedPrompts += 1;
  }
  return {
    counts: {
      prompts: data.promptCount,
      promptsWithHumanRankings: Array.from({ length: maxK }, (_, k) => humanCounts.filter((c) => c >= k + 1).length),
      humanRankings: humanCounts.reduce((a, b) => a + b, 0),
      judgeRankings,
      annotators: annotators.reduce((a, b) => a + b, 0),
      goldPrompts,
      goldPromptsRanked,
      adjudicatedPrompts,
    },
    humanHuman: humanSet.figures(figureOptions),
    judges: runs.map((run, i) =>
      judgeAgreement(
        views,
        runIndices[i]!,
        run,
        judgeSets.get(run.id)!.figures({ ...figureOptions, seed: `${figureOptions.seed}:${run.id}` }),
      ),
    ),
    judgeVsJudge: judgeVsJudge(views, runIndices),
    runs: runs.map((r) => ({ id: r.id, name: r.name, model: r.model })),
    breakdowns: { bySource: breakdown(data.sources), byType: breakdown(data.promptTypes) },
  };
}

function ratersHalfOf(basis: ReportBasis, options: ReportOptions): RatersHalf {
  const { data, figureOptions, runs, runIndices, views } = basis;
  // Each view hands its prompts to the comparison in place (prompts with no ranking in the view left out).
  const modelViews = [
    { key: "humans", label: "Clinicians", source: views.humanWins() },
    ...runs.map((run, i) => ({ key: run.id, label: run.name, source: views.judgeWins(runIndices[i]!) })),
  ];
  return {
    annotators: annotatorQuality(views),
    heatmap: annotatorHeatmap(data),
    bias: { ...biasSeries(data, runIndices), selfPreference: selfPreference(views, runIndices) },
    models: modelViews.map((v) => ({
      key: v.key,
      label: v.label,
      comparison: compareModelsOf(v.source.models, v.source.add, { seed: `${figureOptions.seed}:${v.key}` }),
    })),
    disagreementCandidates: disagreementCandidates(views, runIndices, disagreementLimit(options)),
  };
}

export const agreementHalf = (data: ReportColumns, options: ReportOptions = {}): AgreementHalf =>
  agreementHalfOf(reportBasis(data, options), options);

export const ratersHalf = (data: ReportColumns, options: ReportOptions = {}): RatersHalf =>
  ratersHalfOf(reportBasis(data, options), options);

const disagreementLimit = (options: ReportOptions) => options.disagreementLimit ?? 100;

/** The report of `data` from its halves, its sections in the report's order (the stored JSON depends on it). */
export function joinHalves(data: ReportColumns, options: ReportOptions, a: AgreementHalf, b: RatersHalf): AgreementReport {
  return {
    counts: a.counts,
    humanHuman: a.humanHuman,
    judges: a.judges,
    judgeVsJudge: a.judgeVsJudge,
    runs: a.runs,
    annotators: b.annotators,
    heatmap: b.heatmap,
    bias: b.bias,
    models: b.models,
    breakdowns: a.breakdowns,
    disagreements: disagreementRows(data, b.disagreementCandidates, disagreementLimit(options)),
  };
}

/**
 * The whole agreement report of a project (pure: data in, figures out). Every pooled figure has
 * a seeded bootstrap interval; the same data and seed give the same report.
 */
export function agreementReport(data: ReportColumns, options: ReportOptions = {}): AgreementReport {
  const basis = reportBasis(data, options);
  return joinHalves(data, options, agreementHalfOf(basis, options), ratersHalfOf(basis, options));
}
