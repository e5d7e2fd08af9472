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
    if (!candidateIds.includes(id)) problems.push({ field: "ranking", message: `Scores or flags were given for a candidate that is not part of this prompt (${id}).` });
  }
  if (problems.length > 0) throw new AppError("INVALID_INPUT", problems[0]!.message, problems[0]!.field, problems);
}

/** Writes one immutable revision with one entry per candidate; returns its id. */
export async function insertRevision(
  tx: Tx,
  options: { rankingId: string; revision: number; authorId: string; submission: Submission; shownOrder: string[]; idempotencyKey: string | null },
): Promise<string> {
  const { submission, shownOrder } = options;
  const { rows } = await tx.query<{ id: string }>(
    `INSERT INTO ranking_revisions (ranking_id, revision, author_id, rationale, time_on_task_ms, shown_order, idempotency_key)
     VALUES ($1, $2, $3, $4, $5, $6::uuid[], $7) RETURNING id`,
    [options.rankingId, options.revision, options.authorId, submission.rationale?.trim() || null, submission.timeOnTaskMs, shownOrder, options.idempotencyKey],
  );
  const revisionId = rows[0]!.id;
  const ranks = tiersToRanks(submission.tiers);
  const ids = [...ranks.keys()];
  await tx.query(
    `INSERT INTO ranking_entries (revision_id, completion_id, rank, score, comment, flags, shown_position)
     SELECT $1, e.completion_id, e.rank, e.score, e.comment, ARRAY(SELECT jsonb_array_elements_text(e.flags)), e.shown_position
       FROM jsonb_to_recordset($2::jsonb) AS e(completion_id uuid, rank int, score float8, comment text, flags jsonb, shown_position int)`,
    [
      revisionId,
      JSON.stringify(
        ids.map((id) => {
          const d = submission.details[id];
          return { completion_id: id, rank: ranks.get(id), score: d?.score ?? null, comment: d?.comment?.trim() || null, flags: d?.flags ?? [], shown_position: shownOrder.indexOf(id) };
        }),
      ),
    ],
  );
  return revisionId;
}

/** When the prompt has a gold ranking, stores how this revision agrees with it. */
export async function compareWithGold(tx: Tx, options: { promptId: string; revisionId: string; userId: string; tiers: string[][] }): Promise<void> {
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
  const goldTiers = [...new Set(rows.map((r) => r.rank))].sort((a, b) => a - b).map((rank) => rows.filter((r) => r.rank === rank).map((r) => r.completion_id));
  const goldRanks = tiersToFractionalRanks(goldTiers);
  const mine = tiersToFractionalRanks(options.tiers);
  const tau = kendallTauB(mine, goldRanks);
  await tx.query(
    `INSERT INTO gold_comparisons (revision_id, gold_revision_id, user_id, prompt_id, kendall_tau_b, pairwise_agreement, top1_match)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
    [options.revisionId, rows[0]!.revision_id, options.userId, options.promptId, Number.isNaN(tau) ? null : tau, pairwiseAgreement(mine, goldRanks), top1Match(mine, gold)],
  );
}
