import "server-only";
import type { Tx } from "@/lib/db/transaction";
import { type pool } from "@/lib/db/pool";
import { AppError } from "@/lib/errors/app-error";
import type { Message } from "@/lib/core/messages";
import type { Draft } from "@/lib/ranking/submission-schema";

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
  draft: Draft | null;
}

type Db = Tx | ReturnType<typeof pool>;

export async function assignmentPayload(db: Db, assignmentId: string, userId: string): Promise<AssignmentPayload> {
  const { rows } = await db.query(
    `SELECT a.id, a.user_id, a.status, a.lease_expires_at, a.shown_order, a.draft,
            p.messages, p.reference_answer, j.slug, j.name, j.allow_ties, j.show_reference, j.guidelines,
            (SELECT json_agg(json_build_object('id', c.id, 'text', c.text)) FROM completions c WHERE c.id = ANY(a.shown_order)) AS texts
       FROM assignments a JOIN prompts p ON p.id = a.prompt_id JOIN projects j ON j.id = p.project_id
      WHERE a.id = $1`,
    [assignmentId],
  );
  const a = rows[0];
  // Someone else's assignment is "not found": its existence is not theirs to know.
  if (!a || a.user_id !== userId) throw new AppError("NOT_FOUND", "No such assignment.");
  if (a.status !== "ACTIVE")
    throw new AppError(
      "CONFLICT",
      a.status === "SUBMITTED"
        ? "This prompt is already submitted."
        : "This assignment is no longer active; open Annotate to get the next prompt.",
    );
  const candidates = labelled(a.shown_order as string[], (a.texts ?? []) as { id: string; text: string }[]);
  return {
    assignment: {
      id: a.id,
      leaseExpiresAt: (a.lease_expires_at as Date).toISOString(),
      mode: "assignment",
      rankingId: null,
      editableUntil: null,
    },
    project: { slug: a.slug, name: a.name, allowTies: a.allow_ties, guidelines: a.guidelines },
    prompt: { messages: a.messages as Message[], reference: a.show_reference ? (a.reference_answer as string | null) : null },
    candidates,
    draft: (a.draft as Draft | null) ?? null,
  };
}

/** Candidate texts in the given order, labelled 1..N. Never the model name. */
export async function shownCandidates(db: Db, order: string[]) {
  const { rows } = await db.query<{ id: string; text: string }>(`SELECT id, text FROM completions WHERE id = ANY($1::uuid[])`, [order]);
  return labelled(order, rows);
}

function labelled(order: string[], texts: { id: string; text: string }[]) {
  const byId = new Map(texts.map((r) => [r.id, r.text]));
  return order.map((id, i) => ({ id, label: i + 1, text: byId.get(id) ?? "" }));
}
