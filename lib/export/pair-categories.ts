import { bestCandidates, meanRankConsensus } from "@/lib/agreement/fractional-ranks";
import { judgeConsensus } from "@/lib/judge/aggregate";
import type { CandidatePair } from "@/lib/export/pairing";
import type { RatedPrompt } from "@/lib/export/rate-prompt";

/**
 * Medical-RewardBench-style test categories. The rules are written into the dataset card
 * (CATEGORY_RULES), so a reader knows exactly what "hard" means here.
 */
export const PAIR_CATEGORIES = ["easy", "hard", "length", "human"] as const;
export type PairCategory = (typeof PAIR_CATEGORIES)[number];

export const CATEGORY_RULES: Record<PairCategory, string> = {
  easy: "large gap: the rejected candidate's aggregated rank is at least half the ranking's span, (N − 1) / 2, below the chosen one's",
  hard: "small gap: the chosen and rejected candidates are at most one rank apart",
  length: "the chosen completion is shorter (in characters) than the rejected one, so a length-biased model prefers the wrong answer",
  human:
    "prompts where the clinicians' consensus (mean rank) puts a different candidate first than the judge's rankings (the configured judge run, else any)",
};

export function pairCategories(rated: RatedPrompt, pair: CandidatePair, judgeRun: string | null): PairCategory[] {
  const { candidates } = rated.prompt;
  const out = rankAndLengthCategories({
    candidates: candidates.length,
    rankGap: rated.ranks[pair.rejected]! - rated.ranks[pair.chosen]!,
    chosenLength: candidates[pair.chosen]!.text.length,
    rejectedLength: candidates[pair.rejected]!.text.length,
  });
  if (cliniciansContradictJudge(rated, judgeRun)) out.push("human");
  return out;
}

/** The categories a pair has by its rank gap and its texts' lengths (CATEGORY_RULES' easy, hard and length). */
export function rankAndLengthCategories(p: {
  candidates: number;
  rankGap: number;
  chosenLength: number;
  rejectedLength: number;
}): PairCategory[] {
  const out: PairCategory[] = [];
  if (p.rankGap >= (p.candidates - 1) / 2) out.push("easy");
  if (p.rankGap <= 1) out.push("hard");
  if (p.chosenLength < p.rejectedLength) out.push("length");
  return out;
}

function cliniciansContradictJudge(rated: RatedPrompt, judgeRun: string | null): boolean {
  const humans = rated.prompt.rankings.filter((r) => r.kind === "HUMAN").map((r) => r.ranks);
  const judge = rated.prompt.rankings.filter((r) => r.kind === "JUDGE" && (judgeRun === null || r.runId === judgeRun)).map((r) => r.ranks);
  if (humans.length === 0 || judge.length === 0) return false;
  return bestCandidates(meanRankConsensus(humans)).join() !== bestCandidates(judgeConsensus(judge)).join();
}
