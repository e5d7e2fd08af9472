import { AgreementFigureSet, type AgreementFigures } from "@/lib/agreement/agreement-figures";
import { annotatorHeatmap, annotatorQuality, type AnnotatorRow, type HeatmapCell } from "@/lib/agreement/annotator-quality";
import { judgeAgreement, judgeVsJudge, type JudgeAgreement, type PairAgreement } from "@/lib/agreement/judge-agreement";
import { compareModels, type ModelComparison } from "@/lib/agreement/model-strengths";
import { countPairVerdicts, type PairVerdictCounts } from "@/lib/agreement/pair-verdicts";
import { biasSeries, selfPreference, type BiasSeries, type SelfPreference } from "@/lib/agreement/rating-bias";
import { allRaters, humanRankings, judgeAggregate, latestOfKind, ReportViews } from "@/lib/agreement/rating-views";
import { reportObjects, type ReportColumns, type ReportPrompt } from "@/lib/agreement/report-data";

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

function groupBy(prompts: readonly ReportPrompt[], key: (p: ReportPrompt) => string | null): Map<string, ReportPrompt[]> {
  const groups = new Map<string, ReportPrompt[]>();
  for (const p of prompts) {
    const k = key(p) ?? "(none)";
    // Pushed in place: copying the group on every prompt made this quadratic (minutes at 100k prompts).
    const group = groups.get(k);
    if (group) group.push(p);
    else groups.set(k, [p]);
  }
  return new Map([...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])));
}

const verdicts: PairVerdictCounts = { pairs: 0, same: 0, untiedPairs: 0, untiedSame: 0, tauB: 0 };

/**
 * The `limit` prompts raters agree on least. Each prompt's agreement is a number first; rows are
 * built only for the prompts shown (a row per prompt was 100k objects at 100k prompts).
 */
function disagreements(prompts: readonly ReportPrompt[], runIds: string[], limit: number): DisagreementRow[] {
  const agreement = new Float64Array(prompts.length).fill(Number.NaN);
  const humanAgreement = new Float64Array(prompts.length).fill(Number.NaN);
  const ranked: number[] = [];
  prompts.forEach((p, index) => {
    const raters = allRaters(p, runIds);
    if (raters.length < 2) return;
    let same = 0,
      pairs = 0,
      hSame = 0,
      hPairs = 0;
    const humans = humanRankings(p).length;
    for (let i = 0; i < raters.length; i++) {
      for (let j = i + 1; j < raters.length; j++) {
        const v = countPairVerdicts(raters[i]!.ranks, raters[j]!.ranks, verdicts);
        same += v.same;
        pairs += v.pairs;
        if (i < humans && j < humans) {
          hSame += v.same;
          hPairs += v.pairs;
        }
      }
    }
    agreement[index] = pairs ? same / pairs : 1;
    if (hPairs) humanAgreement[index] = hSame / hPairs;
    ranked.push(index);
  });
  const shown = ranked.sort((a, b) => agreement[a]! - agreement[b]! || prompts[a]!.id.localeCompare(prompts[b]!.id)).slice(0, limit);
  return shown.map((index) => {
    const p = prompts[index]!;
    const humans = humanRankings(p).length;
    return {
      promptId: p.id,
      preview: p.preview,
      source: p.source,
      promptType: p.promptType,
      humanRankings: humans,
      judgeRuns: allRaters(p, runIds).length - humans,
      agreement: agreement[index]!,
      humanAgreement: Number.isNaN(humanAgreement[index]!) ? null : humanAgreement[index]!,
      adjudicated: latestOfKind(p, "ADJUDICATED") !== null,
    };
  });
}

/**
 * The whole agreement report of a project (pure: data in, figures out). Every pooled figure has
 * a seeded bootstrap interval; the same data and seed give the same report.
 */
export function agreementReport(columns: ReportColumns, options: ReportOptions = {}): AgreementReport {
  const data = reportObjects(columns);
  const { prompts } = data;
  const figureOptions = { resamples: options.resamples, seed: options.seed ?? 0 };
  const runs = [...data.runs.values()].filter((run) => prompts.some((p) => p.rankings.some((r) => r.runId === run.id)));
  const runIds = runs.map((r) => r.id);
  const humanCounts = prompts.map((p) => humanRankings(p).length);
  const maxK = Math.max(3, ...humanCounts);
  const runIndices = runIds.map((id) => columns.runIds.indexOf(id));
  const views = new ReportViews(columns, runIndices);
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
  const promptIndex = new Map(prompts.map((p, i) => [p, i]));
  const breakdown = (key: (p: ReportPrompt) => string | null): BreakdownGroup[] =>
    [...groupBy(prompts, key)].map(([value, group]) => {
      const groupOptions = { resamples: options.breakdownResamples ?? BREAKDOWN_RESAMPLES, seed: `${figureOptions.seed}:${value}` };
      const ids = new Uint8Array(prompts.length);
      for (const p of group) ids[promptIndex.get(p)!] = 1;
      return {
        value,
        prompts: group.length,
        humanHuman: humanSet.figures(groupOptions, ids),
        judges: runIds.map((runId) => ({ runId, vsConsensus: judgeSets.get(runId)!.figures(groupOptions, ids) })),
      };
    });
  // Each view hands its prompts to compareModels one at a time (prompts with no ranking in the view left out).
  const modelViews = [
    {
      key: "humans",
      label: "Clinicians",
      items: function* () {
        for (const p of prompts) {
          const rankings = humanRankings(p).map((r) => r.ranks);
          if (rankings.length > 0) yield { models: p.models, rankings };
        }
      },
    },
    ...runs.map((run) => ({
      key: run.id,
      label: run.name,
      items: function* () {
        for (const p of prompts) {
          const judge = judgeAggregate(p, run.id);
          if (judge) yield { models: p.models, rankings: [judge] };
        }
      },
    })),
  ];
  return {
    counts: {
      prompts: prompts.length,
      promptsWithHumanRankings: Array.from({ length: maxK }, (_, k) => humanCounts.filter((c) => c >= k + 1).length),
      humanRankings: humanCounts.reduce((a, b) => a + b, 0),
      judgeRankings: prompts.reduce((a, p) => a + p.rankings.filter((r) => r.kind === "JUDGE").length, 0),
      annotators: new Set(prompts.flatMap((p) => humanRankings(p).map((r) => r.raterId))).size,
      goldPrompts: prompts.filter((p) => latestOfKind(p, "GOLD")).length,
      goldPromptsRanked: prompts.filter((p, i) => latestOfKind(p, "GOLD") && humanCounts[i]! > 0).length,
      adjudicatedPrompts: prompts.filter((p) => latestOfKind(p, "ADJUDICATED")).length,
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
    annotators: annotatorQuality(views),
    heatmap: annotatorHeatmap(columns),
    bias: { ...biasSeries(prompts, runs), selfPreference: selfPreference(prompts, runs) },
    models: modelViews.map((v) => ({
      key: v.key,
      label: v.label,
      comparison: compareModels(v.items, { seed: `${figureOptions.seed}:${v.key}` }),
    })),
    breakdowns: { bySource: breakdown((p) => p.source), byType: breakdown((p) => p.promptType) },
    disagreements: disagreements(prompts, runIds, options.disagreementLimit ?? 100),
  };
}
