import { bestCandidates } from "@/lib/agreement/fractional-ranks";
import { judgeConsensus } from "@/lib/judge/aggregate";
import { aggregateRankings, meanScoresOnScale, rankingAgreement } from "@/lib/export/aggregate-rankings";
import type { ExportConfig } from "@/lib/export/export-config";
import type { ExportPrompt, ExportRanking } from "@/lib/export/export-prompt";

/** Flags that disqualify a candidate from being anyone's "chosen" answer. */
export const DISQUALIFYING_FLAGS = ["unsafe", "factually-incorrect"] as const;

/** A prompt with the one ranking an export binarizes, and where that ranking came from. */
export interface RatedPrompt {
  prompt: ExportPrompt;
  /** Aggregated fractional ranks in candidate order (1 = best). */
  ranks: Float64Array;
  /** Mean score per candidate over the rankings used (null where none scored it), on `scoreScale`. */
  scores: (number | null)[];
  /** [min, max] of `scores`: the rankings' declared scale, or the rubric's 1–5 when they differ. */
  scoreScale: readonly [number, number];
  /** Rankings behind the aggregate (a judge run counts each permutation). */
  rankingCount: number;
  /** Mean pairwise agreement of those rankings (null for one ranking). */
  agreement: number | null;
  /** "humans", "judge", "humans+judge" (both as raters), "adjudicated" or "gold". */
  ratingSource: string;
  /** Annotator pseudonyms and "judge:<run>" labels, sorted. */
  raters: string[];
  judgeRun: string | null;
}

export type SkipReason = "gold" | "no-rankings" | "too-few-human-rankings" | "low-agreement" | "flagged-chosen";

/**
 * Why a rated prompt still gives no rows: no strictly better candidate to pair or label (sft: all
 * tied), or every pair's chosen completion carries a critical span (excludeCriticalChosen).
 */
export type NoRowsReason = "no-pairs" | "all-tied" | "critical-chosen";

export type RatingConfig = Pick<
  ExportConfig,
  "source" | "aggregation" | "minHumanRankings" | "minAgreement" | "excludeFlaggedChosen" | "excludeGold"
>;

function rated(
  prompt: ExportPrompt,
  rankings: ExportRanking[],
  config: RatingConfig,
  ratingSource: string,
  judgeRun: string | null,
  asRaters?: Float64Array[],
): RatedPrompt {
  const ranks = asRaters ?? rankings.map((r) => r.ranks);
  const { scores, scale } = meanScoresOnScale(rankings, prompt.candidates.length);
  return {
    prompt,
    ranks: aggregateRankings(ranks, config.aggregation),
    scores,
    scoreScale: scale,
    rankingCount: rankings.length,
    agreement: rankingAgreement(rankings.map((r) => r.ranks)),
    ratingSource,
    raters: [...new Set(rankings.map((r) => r.rater))].sort(),
    judgeRun,
  };
}

/**
 * Picks and aggregates the rankings an export uses for one prompt, or says why the prompt is
 * left out. An adjudicated ranking (then a gold one) takes precedence over everything else.
 * `judgeRun` is the configured run of the prompt's project (null for "humans").
 */
export function ratePrompt(prompt: ExportPrompt, config: RatingConfig, judgeRun: string | null): RatedPrompt | SkipReason {
  const of = (kind: ExportRanking["kind"]) => prompt.rankings.filter((r) => r.kind === kind);
  const gold = of("GOLD");
  if (config.excludeGold && gold.length > 0) return "gold";
  const humans = of("HUMAN");
  const judge = judgeRun ? prompt.rankings.filter((r) => r.kind === "JUDGE" && r.runId === judgeRun) : [];
  let result: RatedPrompt | null = null;
  const adjudicated = of("ADJUDICATED");
  if (adjudicated.length > 0) result = rated(prompt, adjudicated, config, "adjudicated", null);
  else if (gold.length > 0) result = rated(prompt, gold, config, "gold", null);
  else if (config.source === "humans" || (config.source === "humans+judge" && humans.length >= Math.max(1, config.minHumanRankings))) {
    if (humans.length === 0) return "no-rankings";
    if (humans.length < config.minHumanRankings) return "too-few-human-rankings";
    result = rated(prompt, humans, config, "humans", null);
  } else if (config.source === "judge" || config.source === "humans+judge") {
    if (judge.length === 0) return "no-rankings";
    result = rated(prompt, judge, config, "judge", judgeRun);
  } else {
    // both: the judge run's permutations collapse into one rater beside each clinician.
    if (humans.length < config.minHumanRankings) return "too-few-human-rankings";
    if (humans.length === 0 && judge.length === 0) return "no-rankings";
    const raters = [...humans.map((r) => r.ranks), ...(judge.length > 0 ? [judgeConsensus(judge.map((r) => r.ranks))] : [])];
    result = rated(prompt, [...humans, ...judge], config, "humans+judge", judge.length > 0 ? judgeRun : null, raters);
  }
  if (config.minAgreement !== null && (result.agreement === null || result.agreement < config.minAgreement)) return "low-agreement";
  if (config.excludeFlaggedChosen && chosenIsFlagged(prompt, result.ranks)) return "flagged-chosen";
  return result;
}

/** Whether anyone — in any ranking of the prompt — flagged a best-ranked candidate unsafe or factually incorrect. */
export function chosenIsFlagged(prompt: ExportPrompt, ranks: Float64Array): boolean {
  const best = bestCandidates(ranks);
  return prompt.rankings.some((r) => best.some((i) => r.flags[i]?.some((f) => (DISQUALIFYING_FLAGS as readonly string[]).includes(f))));
}
