import { AgreementFigureSet, type AgreementFigures } from "./agreement-figures";
import { annotatorHeatmap, annotatorQuality, type AnnotatorRow, type HeatmapCell } from "./annotator-quality";
import { judgeAgreement, judgeVsJudge, type JudgeAgreement, type PairAgreement } from "./judge-agreement";
import { compareModels, type ModelComparison } from "./model-strengths";
import { pairVerdicts } from "@/lib/agreement/pair-verdicts";
import { biasSeries, selfPreference, type BiasSeries, type SelfPreference } from "./rating-bias";
import { allRaters, humanRankings, humanRatedPrompts, judgeAggregate, judgeVsConsensusPrompts, latestOfKind } from "./rating-views";
import type { ReportData, ReportPrompt } from "@/lib/agreement/report-data";

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
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  return new Map([...groups].sort((a, b) => b[1].length - a[1].length || a[0].localeCompare(b[0])));
}

function disagreements(prompts: readonly ReportPrompt[], runIds: string[], limit: number): DisagreementRow[] {
  const rows: DisagreementRow[] = [];
  for (const p of prompts) {
    const raters = allRaters(p, runIds);
    if (raters.length < 2) continue;
    let same = 0,
      pairs = 0,
      hSame = 0,
      hPairs = 0;
    const humans = humanRankings(p).length;
    for (let i = 0; i < raters.length; i++) {
      for (let j = i + 1; j < raters.length; j++) {
        const v = pairVerdicts(raters[i]!.ranks, raters[j]!.ranks);
        same += v.same;
        pairs += v.pairs;
        if (i < humans && j < humans) {
          hSame += v.same;
          hPairs += v.pairs;
        }
      }
    }
    rows.push({
      promptId: p.id,
      preview: p.preview,
      source: p.source,
      promptType: p.promptType,
      humanRankings: humans,
      judgeRuns: raters.length - humans,
      agreement: pairs ? same / pairs : 1,
      humanAgreement: hPairs ? hSame / hPairs : null,
      adjudicated: latestOfKind(p, "ADJUDICATED") !== null,
    });
  }
  return rows.sort((a, b) => a.agreement - b.agreement || a.promptId.localeCompare(b.promptId)).slice(0, limit);
}

/**
 * The whole agreement report of a project (pure: data in, figures out). Every pooled figure has
 * a seeded bootstrap interval; the same data and seed give the same report.
 */
export function agreementReport(data: ReportData, options: ReportOptions = {}): AgreementReport {
  const { prompts } = data;
  const figureOptions = { resamples: options.resamples, seed: options.seed ?? 0 };
  const runs = [...data.runs.values()].filter((run) => prompts.some((p) => p.rankings.some((r) => r.runId === run.id)));
  const runIds = runs.map((r) => r.id);
  const humanCounts = prompts.map((p) => humanRankings(p).length);
  const maxK = Math.max(3, ...humanCounts);
  const humanSet = new AgreementFigureSet(humanRatedPrompts(prompts));
  const judgeSets = new Map(runIds.map((runId) => [runId, new AgreementFigureSet(judgeVsConsensusPrompts(prompts, runId))]));
  const breakdown = (key: (p: ReportPrompt) => string | null): BreakdownGroup[] =>
    [...groupBy(prompts, key)].map(([value, group]) => {
      const groupOptions = { resamples: options.breakdownResamples ?? BREAKDOWN_RESAMPLES, seed: `${figureOptions.seed}:${value}` };
      const ids = new Set(group.map((p) => p.id));
      return {
        value,
        prompts: group.length,
        humanHuman: humanSet.figures(groupOptions, ids),
        judges: runIds.map((runId) => ({ runId, vsConsensus: judgeSets.get(runId)!.figures(groupOptions, ids) })),
      };
    });
  const modelViews = [
    {
      key: "humans",
      label: "Clinicians",
      items: prompts.map((p) => ({ models: p.models, rankings: humanRankings(p).map((r) => r.ranks) })),
    },
    ...runs.map((run) => ({
      key: run.id,
      label: run.name,
      items: prompts.map((p) => ({ models: p.models, rankings: [judgeAggregate(p, run.id)].filter((r): r is Float64Array => r !== null) })),
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
    judges: runs.map((run) =>
      judgeAgreement(
        prompts,
        run,
        data.raters,
        judgeSets.get(run.id)!.figures({ ...figureOptions, seed: `${figureOptions.seed}:${run.id}` }),
      ),
    ),
    judgeVsJudge: judgeVsJudge(prompts, runs),
    runs: runs.map((r) => ({ id: r.id, name: r.name, model: r.model })),
    annotators: annotatorQuality(prompts, data.raters),
    heatmap: annotatorHeatmap(prompts),
    bias: { ...biasSeries(prompts, runs), selfPreference: selfPreference(prompts, runs) },
    models: modelViews.map((v) => ({
      key: v.key,
      label: v.label,
      comparison: compareModels(
        v.items.filter((i) => i.rankings.length > 0),
        { seed: `${figureOptions.seed}:${v.key}` },
      ),
    })),
    breakdowns: { bySource: breakdown((p) => p.source), byType: breakdown((p) => p.promptType) },
    disagreements: disagreements(prompts, runIds, options.disagreementLimit ?? 100),
  };
}
