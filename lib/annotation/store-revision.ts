import "server-only";
import { kendallTauB, pairwiseAgreement, top1Match } from "@/lib/agreement/rank-agreement";
import { RankingKind } from "@/generated/prisma/enums";
import { execute, queryOne, queryRows, sql, type Sql } from "@/lib/db/sql";
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

/** The revision's entries as one JSON parameter: one per candidate (rank, details, the position it was shown at). */
function entriesJson(submission: Submission, shownOrder: string[] | null): string {
  const ranks = tiersToRanks(submission.tiers);
  return JSON.stringify(
    [...ranks.keys()].map((id) => {
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
  );
}

/** The revision (from CTE `ranking`, which the caller's statement defines first) and its entries, as CTEs. */
function revisionCtes(c: RevisionContent): Sql {
  const [scoreMin, scoreMax] = c.scoreScale ?? [1, 5];
  return sql`
  revision AS (
    INSERT INTO ranking_revisions (ranking_id, revision, author_id, rationale, time_on_task_ms, shown_order, idempotency_key, score_min, score_max)
    SELECT ranking.id, ranking.revision, ${c.authorId}, ${c.submission.rationale?.trim() || null}, ${c.submission.timeOnTaskMs}, ${c.shownOrder}::uuid[], ${c.idempotencyKey},
           ${scoreMin}::float8, ${scoreMax}::float8 FROM ranking RETURNING id),
  entries AS (
    INSERT INTO ranking_entries (revision_id, completion_id, rank, score, comment, flags, shown_position)
    SELECT revision.id, e.completion_id, e.rank, e.score, e.comment, ARRAY(SELECT jsonb_array_elements_text(e.flags)), e.shown_position
      FROM revision, jsonb_to_recordset(${entriesJson(c.submission, c.shownOrder)}::jsonb) AS e(completion_id uuid, rank int, score float8, comment text, flags jsonb, shown_position int))`;
}

/** Creates a ranking with its first revision and one entry per candidate, in one statement. */
export async function insertRankingWithRevision(
  tx: Tx,
  options: RevisionContent & { promptId: string; kind: Exclude<RankingKind, "JUDGE">; raterId: string; assignmentId: string | null },
): Promise<{ rankingId: string; revisionId: string }> {
  const row = await queryOne<{ rankingId: string; revisionId: string }>(
    tx,
    sql`WITH ranking AS (INSERT INTO rankings (prompt_id, kind, rater_id, assignment_id) VALUES (${options.promptId}, ${options.kind}, ${options.raterId}, ${options.assignmentId}) RETURNING id, revision),
     ${revisionCtes(options)}
     SELECT ranking.id AS ranking_id, revision.id AS revision_id FROM ranking, revision`,
  );
  return row!;
}

/**
 * Stores one judge permutation's ranking unless it is already stored: a retried job, a crash
 * after the call or a duplicate delivery never stores twice. Returns null when it was there.
 */
export async function insertJudgeRanking(
  tx: Tx,
  options: RevisionContent & { promptId: string; judgeRunId: string; permutationIndex: number },
): Promise<{ rankingId: string } | null> {
  const row = await queryOne<{ rankingId: string }>(
    tx,
    sql`WITH ranking AS (
       INSERT INTO rankings (prompt_id, kind, judge_run_id, permutation_index) VALUES (${options.promptId}, ${RankingKind.JUDGE}, ${options.judgeRunId}, ${options.permutationIndex})
       ON CONFLICT (judge_run_id, prompt_id, permutation_index) DO NOTHING RETURNING id, revision),
     ${revisionCtes(options)}
     SELECT ranking.id AS ranking_id FROM ranking, revision`,
    { name: "insert-judge-ranking" },
  );
  return row ? { rankingId: row.rankingId } : null;
}

/**
 * Stores many judge permutations' rankings in one statement (a batch's results, a group commit of
 * live calls), each unless it is already stored, like insertJudgeRanking. Returns the keys
 * (`judgeRunId:promptId:permutationIndex`) of those it stored.
 */
export async function insertJudgeRankings(
  tx: Tx,
  rankings: { promptId: string; judgeRunId: string; permutationIndex: number; shownOrder: string[]; submission: Submission }[],
): Promise<Set<string>> {
  if (rankings.length === 0) return new Set();
  const input = JSON.stringify(
    rankings.map((r) => ({
      prompt_id: r.promptId,
      judge_run_id: r.judgeRunId,
      permutation_index: r.permutationIndex,
      time_on_task_ms: r.submission.timeOnTaskMs,
      shown_order: r.shownOrder,
      entries: JSON.parse(entriesJson(r.submission, r.shownOrder)) as unknown,
    })),
  );
  const rows = await queryRows<{ judgeRunId: string; promptId: string; permutationIndex: number }>(
    tx,
    sql`WITH input AS (
       SELECT * FROM jsonb_to_recordset(${input}::jsonb)
           AS x(prompt_id uuid, judge_run_id uuid, permutation_index int, time_on_task_ms int, shown_order jsonb, entries jsonb)),
     ranking AS (
       INSERT INTO rankings (prompt_id, kind, judge_run_id, permutation_index)
       SELECT prompt_id, ${RankingKind.JUDGE}, judge_run_id, permutation_index FROM input
       ON CONFLICT (judge_run_id, prompt_id, permutation_index) DO NOTHING RETURNING id, revision, prompt_id, judge_run_id, permutation_index),
     revision AS (
       INSERT INTO ranking_revisions (ranking_id, revision, author_id, rationale, time_on_task_ms, shown_order, idempotency_key, score_min, score_max)
       SELECT ranking.id, ranking.revision, NULL, NULL, i.time_on_task_ms, ARRAY(SELECT jsonb_array_elements_text(i.shown_order))::uuid[], NULL, 1, 5
         FROM ranking JOIN input i USING (prompt_id, judge_run_id, permutation_index) RETURNING id, ranking_id),
     entries AS (
       INSERT INTO ranking_entries (revision_id, completion_id, rank, score, comment, flags, shown_position)
       SELECT revision.id, e.completion_id, e.rank, e.score, e.comment, ARRAY(SELECT jsonb_array_elements_text(e.flags)), e.shown_position
         FROM revision JOIN ranking ON ranking.id = revision.ranking_id JOIN input i USING (prompt_id, judge_run_id, permutation_index),
              jsonb_to_recordset(i.entries) AS e(completion_id uuid, rank int, score float8, comment text, flags jsonb, shown_position int))
     SELECT judge_run_id, prompt_id, permutation_index FROM ranking`,
    { name: "insert-judge-rankings" },
  );
  return new Set(rows.map((r) => `${r.judgeRunId}:${r.promptId}:${r.permutationIndex}`));
}

/** Adds the next revision to an existing ranking (and moves its pointer), in one statement. */
export async function insertNextRevision(
  tx: Tx,
  options: RevisionContent & { rankingId: string },
): Promise<{ revisionId: string; revision: number }> {
  const row = await queryOne<{ revisionId: string; revision: number }>(
    tx,
    sql`WITH ranking AS (UPDATE rankings SET revision = revision + 1, updated_at = now() WHERE id = ${options.rankingId} RETURNING id, revision),
     ${revisionCtes(options)}
     SELECT revision.id AS revision_id, ranking.revision FROM ranking, revision`,
  );
  return row!;
}

/** When the prompt has a gold ranking, stores how this revision agrees with it. */
export async function compareWithGold(
  tx: Tx,
  options: { promptId: string; revisionId: string; userId: string; tiers: string[][] },
): Promise<void> {
  const rows = await queryRows<{ revisionId: string; completionId: string; rank: number }>(
    tx,
    sql`SELECT rr.id AS revision_id, e.completion_id, e.rank
       FROM rankings g JOIN ranking_revisions rr ON rr.ranking_id = g.id AND rr.revision = g.revision
       JOIN ranking_entries e ON e.revision_id = rr.id
      WHERE g.prompt_id = ${options.promptId} AND g.kind = ${RankingKind.GOLD}`,
  );
  if (rows.length === 0) return;
  const gold = new Map(rows.map((r) => [r.completionId, r.rank]));
  // Fractional ranks for both: tau-b and pairwise agreement treat ties the same way either way.
  const goldTiers = [...new Set(rows.map((r) => r.rank))]
    .sort((a, b) => a - b)
    .map((rank) => rows.filter((r) => r.rank === rank).map((r) => r.completionId));
  const goldRanks = tiersToFractionalRanks(goldTiers);
  const mine = tiersToFractionalRanks(options.tiers);
  const tau = kendallTauB(mine, goldRanks);
  await execute(
    tx,
    sql`INSERT INTO gold_comparisons (revision_id, gold_revision_id, user_id, prompt_id, kendall_tau_b, pairwise_agreement, top1_match)
     VALUES (${options.revisionId}, ${rows[0]!.revisionId}, ${options.userId}, ${options.promptId}, ${Number.isNaN(tau) ? null : tau},
             ${pairwiseAgreement(mine, goldRanks)}, ${top1Match(mine, gold)}) ON CONFLICT DO NOTHING`,
  );
}
