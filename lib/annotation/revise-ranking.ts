import "server-only";
import { shownCandidates, type AssignmentPayload } from "@/lib/annotation/assignment-payload";
import { writeAudit } from "@/lib/audit/audit-entry";
import { assertValidSubmission, compareWithGold, insertNextRevision, storeRevisionSpans } from "@/lib/annotation/store-revision";
import { currentTaxonomy } from "@/lib/critiques/project-taxonomy";
import { spansOfRevisions } from "@/lib/critiques/store-spans";
import { RankingKind } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql, type Sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import { runIdempotent, type StoredResponse } from "@/lib/idempotency/run-idempotent";
import type { Message } from "@/lib/core/messages";
import type { Submission } from "@/lib/ranking/submission-schema";
import { ranksToTiers } from "@/lib/ranking/tiers";

/** A human ranking with its project settings, prompt and latest revision (the revision screen's and the revision's input). */
interface OwnRankingRow {
  id: string;
  raterId: string;
  promptId: string;
  revision: number;
  createdAt: Date;
  editableUntil: Date;
  editable: boolean;
  slug: string;
  name: string;
  allowTies: boolean;
  showReference: boolean;
  guidelines: string;
  messages: Message[];
  referenceAnswer: string | null;
  shownOrder: string[];
  rationale: string | null;
  timeOnTaskMs: number | null;
  revisionId: string;
  projectId: string;
}

const ownRanking = (rankingId: string, lock: Sql = sql.empty) => sql`
  SELECT r.id, r.rater_id, r.prompt_id, r.revision, r.created_at,
         r.created_at + make_interval(mins => j.edit_window_minutes) AS editable_until,
         r.created_at + make_interval(mins => j.edit_window_minutes) > now() AS editable,
         j.slug, j.name, j.allow_ties, j.show_reference, j.guidelines, p.messages, p.reference_answer,
         rr.shown_order, rr.rationale, rr.time_on_task_ms, rr.id AS revision_id, j.id AS project_id
    FROM rankings r JOIN prompts p ON p.id = r.prompt_id JOIN projects j ON j.id = p.project_id
    JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
   WHERE r.id = ${rankingId} AND r.kind = ${RankingKind.HUMAN}${lock}`;

interface EntryRow {
  completionId: string;
  rank: number;
  score: number | null;
  comment: string | null;
  flags: string[];
}

/** The ranking screen for revising one's own submitted ranking, prefilled with the latest revision. */
export async function revisionPayload(rankingId: string, userId: string): Promise<AssignmentPayload> {
  const r = await queryOne<OwnRankingRow>(pool(), ownRanking(rankingId));
  if (!r || r.raterId !== userId) throw new AppError("NOT_FOUND", "No such ranking.");
  const entries = await queryRows<EntryRow>(
    pool(),
    sql`SELECT completion_id, rank, score, comment, flags FROM ranking_entries WHERE revision_id = ${r.revisionId}`,
  );
  const details = Object.fromEntries(entries.map((e) => [e.completionId, { score: e.score, comment: e.comment, flags: e.flags }]));
  const spans = (await spansOfRevisions(pool(), [r.revisionId])).get(r.revisionId) ?? [];
  return {
    assignment: {
      id: r.id,
      leaseExpiresAt: r.editableUntil.toISOString(),
      mode: "revision",
      rankingId: r.id,
      editableUntil: r.editableUntil.toISOString(),
    },
    project: { slug: r.slug, name: r.name, allowTies: r.allowTies, guidelines: r.guidelines },
    prompt: { messages: r.messages, reference: r.showReference ? r.referenceAnswer : null },
    candidates: await shownCandidates(pool(), r.shownOrder),
    critiqueTaxonomy: await currentTaxonomy(pool(), r.projectId),
    draft: {
      tiers: ranksToTiers(Object.fromEntries(entries.map((e) => [e.completionId, e.rank]))),
      details: details as Submission["details"],
      rationale: r.rationale,
      // The revision starts from the latest one's spans: a span left out of the next revision is removed there.
      spans: spans.map(({ id: _id, taxonomyVersion: _v, ...span }) => span),
      timeOnTaskMs: r.timeOnTaskMs ?? 0,
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
    const r = await queryOne<OwnRankingRow>(tx, ownRanking(rankingId, sql` FOR UPDATE OF r`));
    if (!r || r.raterId !== userId) throw new AppError("NOT_FOUND", "No such ranking.");
    if (!r.editable) throw new AppError("CONFLICT", "The edit window of this ranking has closed; it can no longer be revised.");
    assertValidSubmission(r.shownOrder, submission, r.allowTies);
    const before = await queryRows<{ completionId: string; rank: number }>(
      tx,
      sql`SELECT completion_id, rank FROM ranking_entries WHERE revision_id = ${r.revisionId}`,
    );
    const { revisionId, revision } = await insertNextRevision(tx, {
      rankingId,
      authorId: userId,
      submission,
      shownOrder: r.shownOrder,
      idempotencyKey: `${userId}:${options.idempotencyKey}`,
    });
    await storeRevisionSpans(tx, { revisionId, promptId: r.promptId, shownOrder: r.shownOrder, spans: submission.spans });
    await compareWithGold(tx, { promptId: r.promptId, revisionId, userId, tiers: submission.tiers });
    await writeAudit(tx, {
      actorId: userId,
      action: "ranking.revise",
      entityType: "ranking",
      entityId: rankingId,
      before: { revision: revision - 1, tiers: ranksToTiers(Object.fromEntries(before.map((e) => [e.completionId, e.rank]))) },
      after: { revision, tiers: submission.tiers, spans: submission.spans?.length ?? 0 },
    });
    return { status: 200, body: { rankingId, revision } };
  });
}

/** A clinician's own rankings in a project, newest first, with whether they can still be revised. */
export async function listOwnRankings(userId: string, projectSlug: string) {
  const rows = await queryRows<{
    id: string;
    revision: number;
    createdAt: Date;
    updatedAt: Date;
    editable: boolean;
    preview: string | null;
  }>(
    pool(),
    sql`SELECT r.id, r.revision, r.created_at, r.updated_at,
            r.created_at + make_interval(mins => j.edit_window_minutes) > now() AS editable,
            (SELECT m->>'content' FROM jsonb_array_elements(p.messages) m WHERE m->>'role' = 'user' ORDER BY 1 LIMIT 1) AS preview
       FROM rankings r JOIN prompts p ON p.id = r.prompt_id JOIN projects j ON j.id = p.project_id
      WHERE r.rater_id = ${userId} AND r.kind = ${RankingKind.HUMAN} AND j.slug = ${projectSlug}
      ORDER BY r.created_at DESC LIMIT 200`,
  );
  return rows.map((r) => ({
    id: r.id,
    revision: r.revision,
    createdAt: r.createdAt,
    editable: r.editable,
    preview: String(r.preview ?? "").slice(0, 200),
  }));
}
