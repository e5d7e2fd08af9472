import { shownCandidates, type AssignmentPayload } from "@/lib/annotation/assignment-payload";
import { writeAudit } from "@/lib/audit/audit-entry";
import { assertValidSubmission, compareWithGold, insertNextRevision } from "@/lib/annotation/store-revision";
import { pool } from "@/lib/db/pool";
import { AppError } from "@/lib/errors/app-error";
import { runIdempotent, type StoredResponse } from "@/lib/idempotency/run-idempotent";
import type { Message } from "@/lib/core/messages";
import type { Submission } from "@/lib/ranking/submission-schema";
import { ranksToTiers } from "@/lib/ranking/tiers";

const OWN_RANKING = `
  SELECT r.id, r.rater_id, r.prompt_id, r.revision, r.created_at,
         r.created_at + make_interval(mins => j.edit_window_minutes) AS editable_until,
         r.created_at + make_interval(mins => j.edit_window_minutes) > now() AS editable,
         j.slug, j.name, j.allow_ties, j.show_reference, j.guidelines, p.messages, p.reference_answer,
         rr.shown_order, rr.rationale, rr.time_on_task_ms, rr.id AS revision_id
    FROM rankings r JOIN prompts p ON p.id = r.prompt_id JOIN projects j ON j.id = p.project_id
    JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
   WHERE r.id = $1 AND r.kind = 'HUMAN'`;

/** The ranking screen for revising one's own submitted ranking, prefilled with the latest revision. */
export async function revisionPayload(rankingId: string, userId: string): Promise<AssignmentPayload> {
  const { rows } = await pool().query(OWN_RANKING, [rankingId]);
  const r = rows[0];
  if (!r || r.rater_id !== userId) throw new AppError("NOT_FOUND", "No such ranking.");
  const { rows: entries } = await pool().query<{
    completion_id: string;
    rank: number;
    score: number | null;
    comment: string | null;
    flags: string[];
  }>(`SELECT completion_id, rank, score, comment, flags FROM ranking_entries WHERE revision_id = $1`, [r.revision_id]);
  const details = Object.fromEntries(entries.map((e) => [e.completion_id, { score: e.score, comment: e.comment, flags: e.flags }]));
  return {
    assignment: {
      id: r.id,
      leaseExpiresAt: (r.editable_until as Date).toISOString(),
      mode: "revision",
      rankingId: r.id,
      editableUntil: (r.editable_until as Date).toISOString(),
    },
    project: { slug: r.slug, name: r.name, allowTies: r.allow_ties, guidelines: r.guidelines },
    prompt: { messages: r.messages as Message[], reference: r.show_reference ? r.reference_answer : null },
    candidates: await shownCandidates(pool(), r.shown_order as string[]),
    draft: {
      tiers: ranksToTiers(Object.fromEntries(entries.map((e) => [e.completion_id, e.rank]))),
      details: details as Submission["details"],
      rationale: r.rationale,
      timeOnTaskMs: r.time_on_task_ms ?? 0,
    },
  };
}

/** Writes a new revision of one's own ranking within the project's edit window; older revisions stay. */
export async function reviseRanking(options: {
  userId: string;
  rankingId: string;
  submission: Submission;
  idempotencyKey: string;
}): Promise<StoredResponse> {
  const { userId, rankingId, submission } = options;
  return runIdempotent({ userId, key: options.idempotencyKey, payload: { rankingId, submission } }, async (tx) => {
    const { rows } = await tx.query(`${OWN_RANKING} FOR UPDATE OF r`, [rankingId]);
    const r = rows[0];
    if (!r || r.rater_id !== userId) throw new AppError("NOT_FOUND", "No such ranking.");
    if (!r.editable) throw new AppError("CONFLICT", "The edit window of this ranking has closed; it can no longer be revised.");
    assertValidSubmission(r.shown_order as string[], submission, r.allow_ties);
    const { rows: before } = await tx.query<{ completion_id: string; rank: number }>(
      `SELECT completion_id, rank FROM ranking_entries WHERE revision_id = $1`,
      [r.revision_id],
    );
    const { revisionId, revision } = await insertNextRevision(tx, {
      rankingId,
      authorId: userId,
      submission,
      shownOrder: r.shown_order,
      idempotencyKey: `${userId}:${options.idempotencyKey}`,
    });
    await compareWithGold(tx, { promptId: r.prompt_id, revisionId, userId, tiers: submission.tiers });
    await writeAudit(tx, {
      actorId: userId,
      action: "ranking.revise",
      entityType: "ranking",
      entityId: rankingId,
      before: { revision: revision - 1, tiers: ranksToTiers(Object.fromEntries(before.map((e) => [e.completion_id, e.rank]))) },
      after: { revision, tiers: submission.tiers },
    });
    return { status: 200, body: { rankingId, revision } };
  });
}

/** A clinician's own rankings in a project, newest first, with whether they can still be revised. */
export async function listOwnRankings(userId: string, projectSlug: string) {
  const { rows } = await pool().query(
    `SELECT r.id, r.revision, r.created_at, r.updated_at,
            r.created_at + make_interval(mins => j.edit_window_minutes) > now() AS editable,
            (SELECT m->>'content' FROM jsonb_array_elements(p.messages) m WHERE m->>'role' = 'user' ORDER BY 1 LIMIT 1) AS preview
       FROM rankings r JOIN prompts p ON p.id = r.prompt_id JOIN projects j ON j.id = p.project_id
      WHERE r.rater_id = $1 AND r.kind = 'HUMAN' AND j.slug = $2
      ORDER BY r.created_at DESC LIMIT 200`,
    [userId, projectSlug],
  );
  return rows.map((r) => ({
    id: r.id as string,
    revision: r.revision as number,
    createdAt: r.created_at as Date,
    editable: r.editable as boolean,
    preview: String(r.preview ?? "").slice(0, 200),
  }));
}
