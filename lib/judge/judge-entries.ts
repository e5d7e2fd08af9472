import type { JudgeAnswer } from "@/lib/judge/judge-answer";

/** One candidate's entry in a judge's ranking, as stored (ranking_entries; a judge sets no flags). */
export interface JudgeEntry {
  completionId: string;
  /** 1 + how many candidates the judge ranked strictly better (ties share a rank: 1, 2, 2, 4). */
  rank: number;
  /** The judge's 1–5 score, rounded; null when it gave none or one out of range. */
  score: number | null;
  comment: string | null;
  /** Where the judge saw it (0-based). */
  shownPosition: number;
}

/**
 * The entries of a judge's answer about candidates shown in `order`: one per ranked position. The
 * same ranks as a submission built from the answer's tiers (tiersToRanks), computed directly: a
 * Batch page stores a thousand of these, and the tiers and per-candidate records cost more than the rest.
 */
export function judgeEntriesOf(order: readonly string[], answer: JudgeAnswer): JudgeEntry[] {
  const ranks = [...answer.ranks];
  const feedback = new Map(answer.feedback.map((f) => [f.position, f]));
  return ranks.map(([position, rank]) => {
    let better = 0;
    for (const [, other] of ranks) if (other < rank) better++;
    const f = feedback.get(position);
    const score = f?.score ?? null;
    return {
      completionId: order[position - 1]!,
      rank: better + 1,
      score: score !== null && score >= 1 && score <= 5 ? Math.round(score) : null,
      comment: f?.evaluation?.trim() || null,
      shownPosition: position - 1,
    };
  });
}
