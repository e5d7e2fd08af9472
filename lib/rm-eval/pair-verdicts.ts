import type { JudgeAnswer } from "@/lib/judge/judge-answer";
import type { PairCategory } from "@/lib/export/pair-categories";
import type { EvaluationPair } from "@/lib/rm-eval/accuracy";

/** Which of the two shown responses a judge preferred ("first" = Response 1), or a tie. */
export type PairPreference = "first" | "second" | "tie";

export interface PairVerdict {
  preferred: PairPreference;
  firstScore: number | null;
  secondScore: number | null;
}

/** A judge's answer about a pair shown as Response 1 and Response 2, as a verdict: the better rank wins, equal ranks tie. */
export function pairVerdictOf(answer: JudgeAnswer): PairVerdict {
  const first = answer.ranks.get(1);
  const second = answer.ranks.get(2);
  if (first === undefined || second === undefined) throw new Error("a pair verdict needs both responses ranked");
  const score = (position: number) => {
    const s = answer.feedback.find((f) => f.position === position)?.score ?? null;
    return s !== null && s >= 1 && s <= 5 ? Math.round(s) : null;
  };
  return { preferred: first < second ? "first" : first > second ? "second" : "tie", firstScore: score(1), secondScore: score(2) };
}

/** A kept pair as a judge evaluation sees it: the completion the clinicians kept as chosen, and the judge's verdict in each order shown. */
export interface JudgedPair {
  pair: string;
  categories: readonly PairCategory[];
  /** The kept chosen completion (the source's rejected one when the clinicians overturned the pair). */
  chosenCompletionId: string;
  verdicts: readonly { firstCompletionId: string; preferred: PairPreference | null }[];
}

/**
 * The judge as a reward model on the kept pairs: each completion scores the orders in which the judge
 * preferred it (a tie gives each one half), so RewardBench's rule applies (see pairCredit). A judge right
 * in both orders scores 1 on the pair; one that follows the position, right in one order and wrong in
 * the other, scores one half, as a tie does. Orders the judge never answered (failed calls) are left
 * out; a pair with no answered order is not scored and is listed in `unjudged`.
 */
export function judgeVerdictsAsScores(pairs: readonly JudgedPair[]): { scored: EvaluationPair[]; unjudged: string[] } {
  const scored: EvaluationPair[] = [];
  const unjudged: string[] = [];
  for (const p of pairs) {
    let chosenScore = 0;
    let rejectedScore = 0;
    let answered = 0;
    for (const v of p.verdicts) {
      if (v.preferred === null) continue;
      answered++;
      if (v.preferred === "tie") {
        chosenScore += 0.5;
        rejectedScore += 0.5;
        continue;
      }
      const chosenShownFirst = v.firstCompletionId === p.chosenCompletionId;
      if ((v.preferred === "first") === chosenShownFirst) chosenScore += 1;
      else rejectedScore += 1;
    }
    if (answered === 0) unjudged.push(p.pair);
    else scored.push({ pair: p.pair, categories: p.categories, chosenScore, rejectedScore });
  }
  return { scored, unjudged };
}
