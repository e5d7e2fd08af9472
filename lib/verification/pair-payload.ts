import "server-only";
import { AssignmentStatus } from "@/generated/prisma/enums";
import type { Message } from "@/lib/core/messages";
import type { pool } from "@/lib/db/pool";
import { queryOne, sql, type Sql } from "@/lib/db/sql";
import type { Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import type { PairAnswer, PairDraft } from "@/lib/verification/pair-answer";
import { currentTaxonomy, type VersionedTaxonomy } from "@/lib/critiques/project-taxonomy";

/**
 * What the pair screen receives. Blind by construction: no model name, no completion id, nothing
 * of the judge's verdict (the query selects none of them); the two texts come as A and B in the
 * assignment's stored order, and answers go back as A / B.
 */
export interface PairAssignmentPayload {
  assignment: {
    id: string;
    leaseExpiresAt: string;
    mode: "assignment" | "revision";
    voteId: string | null;
    editableUntil: string | null;
  };
  set: { id: string; name: string };
  project: { slug: string; name: string; guidelines: string };
  prompt: { messages: Message[]; reference: string | null };
  completions: { label: "A" | "B"; text: string }[];
  /** The project's critique taxonomy that spans are marked under. */
  critiqueTaxonomy: VersionedTaxonomy;
  draft: PairDraft | null;
}

/** The answer a revision screen starts from: the stored vote as the rater saw it. */
export interface StoredAnswer {
  answer: PairAnswer;
  confidence: number | null;
  rationale: string;
  flags: { A: string[]; B: string[] };
  timeOnTaskMs: number;
}

type Db = Tx | ReturnType<typeof pool>;

export interface ShownPairRow {
  setId: string;
  setName: string;
  slug: string;
  projectName: string;
  guidelines: string;
  messages: Message[];
  reference: string | null;
  textA: string;
  textB: string;
  projectId: string;
}

interface Row extends ShownPairRow {
  id: string;
  userId: string;
  status: AssignmentStatus;
  leaseExpiresAt: Date;
  draft: PairDraft | null;
}

/** The pair, its prompt and project, the two texts in shown order. Never a model or the verdict. */
export const shownPair = (chosenFirst: Sql) => sql`
  s.id AS set_id, s.name AS set_name, j.id AS project_id, j.slug, j.name AS project_name, j.guidelines, p.messages,
  CASE WHEN j.show_reference THEN p.reference_answer END AS reference,
  CASE WHEN ${chosenFirst} THEN ch.text ELSE rj.text END AS text_a,
  CASE WHEN ${chosenFirst} THEN rj.text ELSE ch.text END AS text_b`;
export const pairJoins = (pairId: Sql) => sql`
  JOIN verification_pairs v ON v.id = ${pairId} JOIN verification_sets s ON s.id = v.set_id
  JOIN projects j ON j.id = s.project_id JOIN prompts p ON p.id = v.prompt_id
  JOIN completions ch ON ch.id = v.chosen_completion_id JOIN completions rj ON rj.id = v.rejected_completion_id`;

export async function pairAssignmentPayload(db: Db, assignmentId: string, userId: string): Promise<PairAssignmentPayload> {
  const a = await queryOne<Row>(
    db,
    sql`SELECT a.id, a.user_id, a.status, a.lease_expires_at, a.draft, ${shownPair(sql`a.chosen_shown_first`)}
          FROM verification_assignments a ${pairJoins(sql`a.pair_id`)}
         WHERE a.id = ${assignmentId}`,
  );
  // Someone else's assignment is "not found": its existence is not theirs to know.
  if (!a || a.userId !== userId) throw new AppError("NOT_FOUND", "No such pair assignment.");
  if (a.status !== AssignmentStatus.ACTIVE)
    throw new AppError(
      "CONFLICT",
      a.status === AssignmentStatus.SUBMITTED
        ? "This pair is already answered."
        : "This pair assignment is no longer active; open the set again to get the next pair.",
    );
  return {
    assignment: { id: a.id, leaseExpiresAt: a.leaseExpiresAt.toISOString(), mode: "assignment", voteId: null, editableUntil: null },
    ...shownParts(a),
    critiqueTaxonomy: await currentTaxonomy(db, a.projectId),
    draft: a.draft,
  };
}

export function shownParts(a: ShownPairRow) {
  return {
    set: { id: a.setId, name: a.setName },
    project: { slug: a.slug, name: a.projectName, guidelines: a.guidelines },
    prompt: { messages: a.messages, reference: a.reference },
    completions: [
      { label: "A" as const, text: a.textA },
      { label: "B" as const, text: a.textB },
    ],
  };
}
