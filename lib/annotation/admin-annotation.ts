import "server-only";
import { writeAudit } from "@/lib/audit/audit-entry";
import { shuffledCandidates } from "@/lib/annotation/shown-order";
import { assertValidSubmission, insertNextRevision, insertRankingWithRevision } from "@/lib/annotation/store-revision";
import { AssignmentStatus, RankingKind, Role } from "@/generated/prisma/enums";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import type { Submission } from "@/lib/ranking/submission-schema";

/** Lease of assignments an admin hands out: a week, as the clinician may not start at once. */
const BATCH_LEASE_MINUTES = 7 * 24 * 60;

/**
 * Assigns up to `count` prompts of a project to each named clinician: prompts they have not had,
 * with room left under k (counted under the prompt's lock, as claiming does).
 */
export async function assignBatch(options: {
  projectSlug: string;
  clinicianIds: string[];
  count: number;
  actorId: string;
}): Promise<{ assigned: Record<string, number> }> {
  return withTransaction(async (tx) => {
    const project = await queryOne<{ id: string; overlapK: number }>(
      tx,
      sql`SELECT id, overlap_k FROM projects WHERE slug = ${options.projectSlug}`,
    );
    if (!project) throw new AppError("NOT_FOUND", `No project with the slug "${options.projectSlug}".`);
    const clinicians = await queryRows<{ id: string }>(
      tx,
      sql`SELECT id FROM users WHERE id = ANY(${options.clinicianIds}::uuid[]) AND role = ${Role.CLINICIAN} AND active AND NOT is_external`,
    );
    if (clinicians.length !== new Set(options.clinicianIds).size)
      throw new AppError("INVALID_INPUT", "Assign prompts to active clinicians only.", "clinicians");
    const assigned: Record<string, number> = {};
    for (const { id: userId } of clinicians) {
      const prompts = await queryRows<{ id: string }>(
        tx,
        sql`SELECT p.id FROM prompts p
          WHERE p.project_id = ${project.id}
            AND NOT EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = p.id AND g.kind = ${RankingKind.GOLD})
            AND NOT EXISTS (SELECT 1 FROM assignments mine WHERE mine.prompt_id = p.id AND mine.user_id = ${userId})
            AND p.human_load < ${project.overlapK} + p.extra_rankings
          ORDER BY p.created_at, p.id LIMIT ${options.count} FOR UPDATE OF p`,
      );
      for (const { id: promptId } of prompts) {
        await execute(
          tx,
          sql`INSERT INTO assignments (prompt_id, user_id, status, lease_expires_at, shown_order, assigned_by_id)
           VALUES (${promptId}, ${userId}, ${AssignmentStatus.ACTIVE}, now() + make_interval(mins => ${BATCH_LEASE_MINUTES}), ${shuffledCandidates(promptId)}, ${options.actorId})`,
        );
      }
      assigned[userId] = prompts.length;
    }
    await writeAudit(tx, {
      actorId: options.actorId,
      action: "assignment.batch",
      entityType: "project",
      entityId: project.id,
      after: { assigned },
    });
    return { assigned };
  });
}

/**
 * Sets (or revises) an admin's reference ranking of a prompt: GOLD (what clinicians' rankings are
 * compared with) or ADJUDICATED (the resolution of a disagreement, kept beside the raw rankings).
 */
export async function setReferenceRanking(options: {
  promptId: string;
  kind: "GOLD" | "ADJUDICATED";
  submission: Submission;
  actorId: string;
}): Promise<{ rankingId: string; revision: number }> {
  return withTransaction(async (tx) => {
    const completions = await queryRows<{ id: string }>(
      tx,
      sql`SELECT c.id FROM completions c WHERE c.prompt_id = ${options.promptId} ORDER BY c.position FOR SHARE`,
    );
    if (completions.length === 0) throw new AppError("NOT_FOUND", "No such prompt.");
    const order = completions.map((c) => c.id);
    assertValidSubmission(order, options.submission, true);
    const existing = await queryRows<{ id: string }>(
      tx,
      sql`SELECT id FROM rankings WHERE prompt_id = ${options.promptId} AND kind = ${options.kind} FOR UPDATE`,
    );
    const content = { authorId: options.actorId, submission: options.submission, shownOrder: order, idempotencyKey: null };
    let rankingId: string;
    let revision: number;
    if (existing[0]) {
      rankingId = existing[0].id;
      revision = (await insertNextRevision(tx, { ...content, rankingId })).revision;
    } else {
      rankingId = (
        await insertRankingWithRevision(tx, {
          ...content,
          promptId: options.promptId,
          kind: options.kind,
          raterId: options.actorId,
          assignmentId: null,
        })
      ).rankingId;
      revision = 1;
    }
    await writeAudit(tx, {
      actorId: options.actorId,
      action: options.kind === "GOLD" ? "gold.set" : "adjudication.set",
      entityType: "prompt",
      entityId: options.promptId,
      after: { rankingId, revision, tiers: options.submission.tiers },
    });
    return { rankingId, revision };
  });
}

/** Sends a prompt back for `extra` more human rankings than the project's k (cumulative, at most 20). */
export async function sendBackForRankings(options: {
  promptId: string;
  extra: number;
  actorId: string;
}): Promise<{ extraRankings: number }> {
  return withTransaction(async (tx) => {
    const updated = await queryOne<{ extraRankings: number }>(
      tx,
      sql`UPDATE prompts SET extra_rankings = extra_rankings + ${options.extra} WHERE id = ${options.promptId} AND extra_rankings + ${options.extra} <= 20 RETURNING extra_rankings`,
    );
    if (!updated) {
      const found = await queryOne<{ found: boolean }>(tx, sql`SELECT true AS found FROM prompts WHERE id = ${options.promptId}`);
      if (!found) throw new AppError("NOT_FOUND", "No such prompt.");
      throw new AppError("INVALID_INPUT", "A prompt can ask for at most 20 rankings beyond the project's k.", "extra");
    }
    await writeAudit(tx, {
      actorId: options.actorId,
      action: "prompt.send-back",
      entityType: "prompt",
      entityId: options.promptId,
      after: { extra: options.extra, extraRankings: updated.extraRankings },
    });
    return { extraRankings: updated.extraRankings };
  });
}
