import "server-only";
import { AssignmentStatus } from "@/generated/prisma/enums";
import type { Tx } from "@/lib/db/transaction";
import { type pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import type { Message } from "@/lib/core/messages";
import type { Draft } from "@/lib/ranking/submission-schema";
import { currentTaxonomy, type VersionedTaxonomy } from "@/lib/critiques/project-taxonomy";

/**
 * What the ranking screen receives for one assignment. Blind by construction: the query never
 * selects a model name, and candidates come in the assignment's own shuffled order, labelled
 * by position only.
 */
export interface AssignmentPayload {
  assignment: {
    id: string;
    leaseExpiresAt: string;
    mode: "assignment" | "revision";
    rankingId: string | null;
    editableUntil: string | null;
  };
  project: { slug: string; name: string; allowTies: boolean; guidelines: string };
  prompt: { messages: Message[]; reference: string | null };
  candidates: { id: string; label: number; text: string }[];
  /** The project's critique taxonomy that spans are marked under (lib/critiques/project-taxonomy.ts). */
  critiqueTaxonomy: VersionedTaxonomy;
  draft: Draft | null;
}

type Db = Tx | ReturnType<typeof pool>;

export async function assignmentPayload(db: Db, assignmentId: string, userId: string): Promise<AssignmentPayload> {
  const a = await queryOne<{
    id: string;
    userId: string;
    status: AssignmentStatus;
    leaseExpiresAt: Date;
    shownOrder: string[];
    draft: Draft | null;
    messages: Message[];
    referenceAnswer: string | null;
    slug: string;
    name: string;
    allowTies: boolean;
    showReference: boolean;
    guidelines: string;
    texts: { id: string; text: string }[] | null;
    projectId: string;
  }>(
    db,
    sql`SELECT a.id, a.user_id, a.status, a.lease_expires_at, a.shown_order, a.draft, j.id AS project_id,
            p.messages, p.reference_answer, j.slug, j.name, j.allow_ties, j.show_reference, j.guidelines,
            (SELECT json_agg(json_build_object('id', c.id, 'text', c.text)) FROM completions c WHERE c.id = ANY(a.shown_order)) AS texts
       FROM assignments a JOIN prompts p ON p.id = a.prompt_id JOIN projects j ON j.id = p.project_id
      WHERE a.id = ${assignmentId}`,
  );
  // Someone else's assignment is "not found": its existence is not theirs to know.
  if (!a || a.userId !== userId) throw new AppError("NOT_FOUND", "No such assignment.");
  if (a.status !== AssignmentStatus.ACTIVE)
    throw new AppError(
      "CONFLICT",
      a.status === AssignmentStatus.SUBMITTED
        ? "This prompt is already submitted."
        : "This assignment is no longer active; open Annotate to get the next prompt.",
    );
  const candidates = labelled(a.shownOrder, a.texts ?? []);
  return {
    assignment: {
      id: a.id,
      leaseExpiresAt: a.leaseExpiresAt.toISOString(),
      mode: "assignment",
      rankingId: null,
      editableUntil: null,
    },
    project: { slug: a.slug, name: a.name, allowTies: a.allowTies, guidelines: a.guidelines },
    prompt: { messages: a.messages, reference: a.showReference ? a.referenceAnswer : null },
    candidates,
    critiqueTaxonomy: await currentTaxonomy(db, a.projectId),
    draft: a.draft ?? null,
  };
}

/** Candidate texts in the given order, labelled 1..N. Never the model name. */
export async function shownCandidates(db: Db, order: string[]) {
  const rows = await queryRows<{ id: string; text: string }>(db, sql`SELECT id, text FROM completions WHERE id = ANY(${order}::uuid[])`);
  return labelled(order, rows);
}

function labelled(order: string[], texts: { id: string; text: string }[]) {
  const byId = new Map(texts.map((r) => [r.id, r.text]));
  return order.map((id, i) => ({ id, label: i + 1, text: byId.get(id) ?? "" }));
}
