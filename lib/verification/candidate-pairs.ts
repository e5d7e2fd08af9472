import { judgeConsensus } from "@/lib/judge/aggregate";
import type { ExportPrompt, ExportRanking } from "@/lib/export/export-prompt";
import type { PairingStrategy } from "@/lib/export/export-config";
import { pairCategories, type PairCategory } from "@/lib/export/pair-categories";
import { pairCandidates } from "@/lib/export/pairing";
import type { RatedPrompt } from "@/lib/export/rate-prompt";
import { seededRandom } from "@/lib/core/seeded-random";

/** A pair a verification set may sample: the source's verdict on two completions of one prompt. */
export interface CandidatePairForSet {
  promptId: string;
  chosenCompletionId: string;
  rejectedCompletionId: string;
  /** easy / hard / length as the exports define them (never "human": that comes from the raters). */
  categories: PairCategory[];
  source: string | null;
  promptType: string | null;
  /** 0 (the judge is sure) … 1 (unsure); null when nothing is known. */
  uncertainty: number | null;
  judge: JudgeVerdict;
}

/** What the source said about the pair, kept with it (and in the benchmark's provenance). */
export interface JudgeVerdict {
  run: string | null;
  chosenRank: number;
  rejectedRank: number;
  chosenScore: number | null;
  rejectedScore: number | null;
  /** Share of the judge's permutations that ordered the pair otherwise than its consensus (a tie counts half). */
  positionFlips: number | null;
  /** Share of clinicians' rankings that prefer the rejected completion (a tie counts half); null without any. */
  humanDisagreement: number | null;
}

const STRATEGY_DEFAULTS = { margin: 1, topK: 1, quantile: 1 };

/**
 * The pairs a judge run gives one prompt: its permutations' consensus (the run page's and the exports'
 * rule) binarised by the strategy (seeded per prompt, as exports are), each with its categories and
 * how unsure the judge was. No pairs when the run did not rank the prompt or tied everything.
 */
export function judgeRunPairs(prompt: ExportPrompt, run: string, strategy: PairingStrategy, seed: number): CandidatePairForSet[] {
  const judged = prompt.rankings.filter((r) => r.kind === "JUDGE" && r.runId === run);
  if (judged.length === 0 || prompt.candidates.length < 2) return [];
  const ranks = judgeConsensus(judged.map((r) => r.ranks));
  const scores = meanScores(judged, prompt.candidates.length);
  const humans = prompt.rankings.filter((r) => r.kind === "HUMAN");
  const rated: RatedPrompt = {
    prompt,
    ranks,
    scores,
    scoreScale: judged[0]!.scoreScale,
    rankingCount: judged.length,
    agreement: null,
    ratingSource: "judge",
    raters: [`judge:${run}`],
    judgeRun: run,
  };
  const pairs = pairCandidates(ranks, { strategy, ...STRATEGY_DEFAULTS }, seededRandom(`${seed}:${prompt.id}`));
  return pairs.map((pair) => {
    const verdict: JudgeVerdict = {
      run,
      chosenRank: ranks[pair.chosen]!,
      rejectedRank: ranks[pair.rejected]!,
      chosenScore: scores[pair.chosen] ?? null,
      rejectedScore: scores[pair.rejected] ?? null,
      positionFlips: judged.length > 1 ? againstShare(judged, pair.chosen, pair.rejected) : null,
      humanDisagreement: humans.length > 0 ? againstShare(humans, pair.chosen, pair.rejected) : null,
    };
    return {
      promptId: prompt.id,
      chosenCompletionId: prompt.candidates[pair.chosen]!.completionId,
      rejectedCompletionId: prompt.candidates[pair.rejected]!.completionId,
      categories: pairCategories(rated, pair, run).filter((c) => c !== "human"),
      source: prompt.source,
      promptType: prompt.promptType,
      uncertainty: judgeUncertainty(verdict, prompt.candidates.length, judged[0]!.scoreScale),
      judge: verdict,
    };
  });
}

/**
 * How unsure a judge run is about a prompt (null when it did not rank it): the uncertainty of its
 * verdict on the pair that decides the prompt's best candidate, its best against its runner-up.
 */
export function promptJudgeUncertainty(prompt: ExportPrompt, run: string): number | null {
  const judged = prompt.rankings.filter((r) => r.kind === "JUDGE" && r.runId === run);
  if (judged.length === 0 || prompt.candidates.length < 2) return null;
  const ranks = judgeConsensus(judged.map((r) => r.ranks));
  const [best, runnerUp] = Array.from(ranks.keys()).sort((a, b) => ranks[a]! - ranks[b]! || a - b) as [number, number];
  const scores = meanScores(judged, prompt.candidates.length);
  const humans = prompt.rankings.filter((r) => r.kind === "HUMAN");
  return judgeUncertainty(
    {
      run,
      chosenRank: ranks[best]!,
      rejectedRank: ranks[runnerUp]!,
      chosenScore: scores[best] ?? null,
      rejectedScore: scores[runnerUp] ?? null,
      positionFlips: judged.length > 1 ? againstShare(judged, best, runnerUp) : null,
      humanDisagreement: humans.length > 0 ? againstShare(humans, best, runnerUp) : null,
    },
    prompt.candidates.length,
    judged[0]!.scoreScale,
  );
}

/** Share of rankings that put `rejected` above `chosen`, a tie counting half. */
function againstShare(rankings: readonly ExportRanking[], chosen: number, rejected: number): number {
  let against = 0;
  for (const r of rankings) {
    const c = r.ranks[chosen]!;
    const x = r.ranks[rejected]!;
    if (x < c) against += 1;
    else if (x === c) against += 0.5;
  }
  return against / rankings.length;
}

function meanScores(rankings: readonly ExportRanking[], n: number): (number | null)[] {
  return Array.from({ length: n }, (_, i) => {
    const given = rankings.map((r) => r.scores[i]).filter((s): s is number => s !== null && s !== undefined);
    return given.length ? given.reduce((a, b) => a + b, 0) / given.length : null;
  });
}

/**
 * How unsure the judge was about a pair, 0 … 1: the mean of what is known of
 * - its permutations flipping the pair (position inconsistency, ×2 so that half the permutations flipping is 1),
 * - the rank gap's smallness (1 − gap / (N − 1)),
 * - the score gap's smallness (1 − |Δscore| / scale span), when it gave scores,
 * - clinicians' rankings preferring the other completion.
 */
export function judgeUncertainty(v: JudgeVerdict, candidates: number, scale: readonly [number, number]): number {
  const parts: number[] = [];
  if (v.positionFlips !== null) parts.push(Math.min(1, 2 * v.positionFlips));
  if (candidates > 1) parts.push(1 - (v.rejectedRank - v.chosenRank) / (candidates - 1));
  const span = scale[1] - scale[0];
  if (v.chosenScore !== null && v.rejectedScore !== null && span > 0)
    parts.push(1 - Math.min(1, Math.abs(v.chosenScore - v.rejectedScore) / span));
  if (v.humanDisagreement !== null) parts.push(v.humanDisagreement);
  return parts.reduce((a, b) => a + b, 0) / parts.length;
}
