import { writeAudit } from "@/lib/audit/audit-entry";
import { SHUFFLED_CANDIDATES } from "@/lib/annotation/shown-order";
import { assertValidSubmission, insertNextRevision, insertRankingWithRevision } from "@/lib/annotation/store-revision";
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
    const { rows: projects } = await tx.query<{ id: string; overlap_k: number }>(`SELECT id, overlap_k FROM projects WHERE slug = $1`, [
      options.projectSlug,
    ]);
    const project = projects[0];
    if (!project) throw new AppError("NOT_FOUND", `No project with the slug "${options.projectSlug}".`);
    const { rows: clinicians } = await tx.query<{ id: string }>(
      `SELECT id FROM users WHERE id = ANY($1::uuid[]) AND role = 'CLINICIAN' AND active AND NOT is_external`,
      [options.clinicianIds],
    );
    if (clinicians.length !== new Set(options.clinicianIds).size)
      throw new AppError("INVALID_INPUT", "Assign prompts to active clinicians only.", "clinicians");
    const assigned: Record<string, number> = {};
    for (const { id: userId } of clinicians) {
      const { rows: prompts } = await tx.query<{ id: string }>(
        `SELECT p.id FROM prompts p
          WHERE p.project_id = $1
            AND NOT EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = p.id AND g.kind = 'GOLD')
            AND NOT EXISTS (SELECT 1 FROM assignments mine WHERE mine.prompt_id = p.id AND mine.user_id = $2)
            AND p.human_load < $3 + p.extra_rankings
          ORDER BY p.created_at, p.id LIMIT $4 FOR UPDATE OF p`,
        [project.id, userId, project.overlap_k, options.count],
      );
      for (const { id: promptId } of prompts) {
        await tx.query(
          `INSERT INTO assignments (prompt_id, user_id, status, lease_expires_at, shown_order, assigned_by_id)
           VALUES ($1, $2, 'ACTIVE', now() + make_interval(mins => $3), ${SHUFFLED_CANDIDATES}, $4)`,
          [promptId, userId, BATCH_LEASE_MINUTES, options.actorId],
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
    const { rows: completions } = await tx.query<{ id: string }>(
      `SELECT c.id FROM completions c WHERE c.prompt_id = $1 ORDER BY c.position FOR SHARE`,
      [options.promptId],
    );
    if (completions.length === 0) throw new AppError("NOT_FOUND", "No such prompt.");
    const order = completions.map((c) => c.id);
    assertValidSubmission(order, options.submission, true);
    const { rows: existing } = await tx.query<{ id: string }>(`SELECT id FROM rankings WHERE prompt_id = $1 AND kind = $2 FOR UPDATE`, [
      options.promptId,
      options.kind,
    ]);
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
    const { rows } = await tx.query<{ extra_rankings: number }>(
      `UPDATE prompts SET extra_rankings = extra_rankings + $2 WHERE id = $1 AND extra_rankings + $2 <= 20 RETURNING extra_rankings`,
      [options.promptId, options.extra],
    );
    if (!rows[0]) {
      const { rows: found } = await tx.query(`SELECT 1 FROM prompts WHERE id = $1`, [options.promptId]);
      if (!found[0]) throw new AppError("NOT_FOUND", "No such prompt.");
      throw new AppError("INVALID_INPUT", "A prompt can ask for at most 20 rankings beyond the project's k.", "extra");
    }
    await writeAudit(tx, {
      actorId: options.actorId,
      action: "prompt.send-back",
      entityType: "prompt",
      entityId: options.promptId,
      after: { extra: options.extra, extraRankings: rows[0].extra_rankings },
    });
    return { extraRankings: rows[0].extra_rankings };
  });
}
