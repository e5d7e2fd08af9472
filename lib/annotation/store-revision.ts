import { kendallTauB, pairwiseAgreement, top1Match } from "@/lib/agreement/rank-agreement";
import type { Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import type { Submission } from "@/lib/ranking/submission-schema";
import { tiersToFractionalRanks, tiersToRanks } from "@/lib/ranking/tiers";
import { validateTiers } from "@/lib/ranking/validate-ranking";

/** Refuses a ranking that does not rank exactly `candidateIds` (labels as the rater saw them). */
export function assertValidSubmission(candidateIds: string[], submission: Submission, allowTies: boolean): void {
  const label = (id: string) => `Response ${candidateIds.indexOf(id) + 1}`;
  const problems = validateTiers(candidateIds, submission.tiers, allowTies, label);
  for (const id of Object.keys(submission.details)) {
    if (!candidateIds.includes(id))
      problems.push({ field: "ranking", message: `Scores or flags were given for a candidate that is not part of this prompt (${id}).` });
  }
  if (problems.length > 0) throw new AppError("INVALID_INPUT", problems[0]!.message, problems[0]!.field, problems);
}

interface RevisionContent {
  authorId: string | null;
  submission: Submission;
  /** The order the rater saw the candidates in; null when nobody knows (rankings imported from a file). */
  shownOrder: string[] | null;
  idempotencyKey: string | null;
  /** The scale of the scores, [min, max]; the rubric's 1–5 unless an imported file declared another. */
  scoreScale?: readonly [number, number];
}

/** The revision's content as one JSON parameter: its score scale and one entry per candidate (rank, details, the position it was shown at). */
function revisionJson(submission: Submission, shownOrder: string[] | null, scoreScale: readonly [number, number] = [1, 5]): string {
  const ranks = tiersToRanks(submission.tiers);
  return JSON.stringify({
    score_min: scoreScale[0],
    score_max: scoreScale[1],
    entries: [...ranks.keys()].map((id) => {
      const d = submission.details[id];
      return {
        completion_id: id,
        rank: ranks.get(id),
        score: d?.score ?? null,
        comment: d?.comment?.trim() || null,
        flags: d?.flags ?? [],
        shown_position: shownOrder ? shownOrder.indexOf(id) : null,
      };
    }),
  });
}

/** The revision (from CTE `ranking`) and its entries, as CTEs; parameters $1–$6 are taken. */
const REVISION_CTES = `
  revision AS (
    INSERT INTO ranking_revisions (ranking_id, revision, author_id, rationale, time_on_task_ms, shown_order, idempotency_key, score_min, score_max)
    SELECT ranking.id, ranking.revision, $1, $2, $3, $4::uuid[], $5, ($6::jsonb ->> 'score_min')::float8, ($6::jsonb ->> 'score_max')::float8 FROM ranking RETURNING id),
  entries AS (
    INSERT INTO ranking_entries (revision_id, completion_id, rank, score, comment, flags, shown_position)
    SELECT revision.id, e.completion_id, e.rank, e.score, e.comment, ARRAY(SELECT jsonb_array_elements_text(e.flags)), e.shown_position
      FROM revision, jsonb_to_recordset($6::jsonb -> 'entries') AS e(completion_id uuid, rank int, score float8, comment text, flags jsonb, shown_position int))`;

function revisionParams(c: RevisionContent): unknown[] {
  return [
    c.authorId,
    c.submission.rationale?.trim() || null,
    c.submission.timeOnTaskMs,
    c.shownOrder,
    c.idempotencyKey,
    revisionJson(c.submission, c.shownOrder, c.scoreScale),
  ];
}

/** Creates a ranking with its first revision and one entry per candidate, in one statement. */
export async function insertRankingWithRevision(
  tx: Tx,
  options: RevisionContent & { promptId: string; kind: "HUMAN" | "GOLD" | "ADJUDICATED"; raterId: string; assignmentId: string | null },
): Promise<{ rankingId: string; revisionId: string }> {
  const { rows } = await tx.query<{ ranking_id: string; revision_id: string }>(
    `WITH ranking AS (INSERT INTO rankings (prompt_id, kind, rater_id, assignment_id) VALUES ($7, $8, $9, $10) RETURNING id, revision),
     ${REVISION_CTES}
     SELECT ranking.id AS ranking_id, revision.id AS revision_id FROM ranking, revision`,
    [...revisionParams(options), options.promptId, options.kind, options.raterId, options.assignmentId],
  );
  return { rankingId: rows[0]!.ranking_id, revisionId: rows[0]!.revision_id };
}

/**
 * Stores one judge permutation's ranking unless it is already stored: a retried job, a crash
 * after the call or a duplicate delivery never stores twice. Returns null when it was there.
 */
export async function insertJudgeRanking(
  tx: Tx,
  options: RevisionContent & { promptId: string; judgeRunId: string; permutationIndex: number },
): Promise<{ rankingId: string } | null> {
  const { rows } = await tx.query<{ ranking_id: string }>({
    name: "insert-judge-ranking",
    text: `WITH ranking AS (
       INSERT INTO rankings (prompt_id, kind, judge_run_id, permutation_index) VALUES ($7, 'JUDGE', $8, $9)
       ON CONFLICT (judge_run_id, prompt_id, permutation_index) DO NOTHING RETURNING id, revision),
     ${REVISION_CTES}
     SELECT ranking.id AS ranking_id FROM ranking, revision`,
    values: [...revisionParams(options), options.promptId, options.judgeRunId, options.permutationIndex],
  });
  return rows[0] ? { rankingId: rows[0].ranking_id } : null;
}

/** Adds the next revision to an existing ranking (and moves its pointer), in one statement. */
export async function insertNextRevision(
  tx: Tx,
  options: RevisionContent & { rankingId: string },
): Promise<{ revisionId: string; revision: number }> {
  const { rows } = await tx.query<{ revision_id: string; revision: number }>(
    `WITH ranking AS (UPDATE rankings SET revision = revision + 1, updated_at = now() WHERE id = $7 RETURNING id, revision),
     ${REVISION_CTES}
     SELECT revision.id AS revision_id, ranking.revision FROM ranking, revision`,
    [...revisionParams(options), options.rankingId],
  );
  return { revisionId: rows[0]!.revision_id, revision: rows[0]!.revision };
}

/** When the prompt has a gold ranking, stores how this revision agrees with it. */
export async function compareWithGold(
  tx: Tx,
  options: { promptId: string; revisionId: string; userId: string; tiers: string[][] },
): Promise<void> {
  const { rows } = await tx.query<{ revision_id: string; completion_id: string; rank: number }>(
    `SELECT rr.id AS revision_id, e.completion_id, e.rank
       FROM rankings g JOIN ranking_revisions rr ON rr.ranking_id = g.id AND rr.revision = g.revision
       JOIN ranking_entries e ON e.revision_id = rr.id
      WHERE g.prompt_id = $1 AND g.kind = 'GOLD'`,
    [options.promptId],
  );
  if (rows.length === 0) return;
  const gold = new Map(rows.map((r) => [r.completion_id, r.rank]));
  // Fractional ranks for both: tau-b and pairwise agreement treat ties the same way either way.
  const goldTiers = [...new Set(rows.map((r) => r.rank))]
    .sort((a, b) => a - b)
    .map((rank) => rows.filter((r) => r.rank === rank).map((r) => r.completion_id));
  const goldRanks = tiersToFractionalRanks(goldTiers);
  const mine = tiersToFractionalRanks(options.tiers);
  const tau = kendallTauB(mine, goldRanks);
  await tx.query(
    `INSERT INTO gold_comparisons (revision_id, gold_revision_id, user_id, prompt_id, kendall_tau_b, pairwise_agreement, top1_match)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [
      options.revisionId,
      rows[0]!.revision_id,
      options.userId,
      options.promptId,
      Number.isNaN(tau) ? null : tau,
      pairwiseAgreement(mine, goldRanks),
      top1Match(mine, gold),
    ],
  );
}
