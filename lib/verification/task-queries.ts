import "server-only";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import { currentTaxonomy } from "@/lib/critiques/project-taxonomy";
import { spansOfVotes } from "@/lib/critiques/store-spans";
import { storedToFlags, voteToAnswer } from "@/lib/verification/pair-answer";
import type { Vote } from "@/lib/verification/pair-outcome";
import {
  pairAssignmentPayload,
  pairJoins,
  shownPair,
  shownParts,
  type PairAssignmentPayload,
  type ShownPairRow,
} from "@/lib/verification/pair-payload";

/** The pair screen's data for one of the clinician's own assignments. */
export function ownPairAssignmentPayload(assignmentId: string, userId: string): Promise<PairAssignmentPayload> {
  return pairAssignmentPayload(pool(), assignmentId, userId);
}

/** The pair screen for revising one's own vote, prefilled with it, in the order the rater saw. */
export async function pairRevisionPayload(voteId: string, userId: string): Promise<PairAssignmentPayload> {
  const v = await queryOne<
    ShownPairRow & {
      id: string;
      userId: string;
      vote: Vote;
      confidence: number | null;
      rationale: string;
      flags: string[];
      chosenShownFirst: boolean | null;
      timeOnTaskMs: number | null;
      editableUntil: Date;
      chosenCompletionId: string;
    }
  >(
    pool(),
    sql`SELECT a.id, a.user_id, a.vote, a.confidence, a.rationale, a.flags, a.chosen_shown_first, a.time_on_task_ms, v.chosen_completion_id,
            a.created_at + make_interval(mins => j.edit_window_minutes) AS editable_until, ${shownPair(sql`a.chosen_shown_first`)}
       FROM verification_votes a ${pairJoins(sql`a.pair_id`)}
      WHERE a.id = ${voteId}`,
  );
  if (!v || v.userId !== userId || v.chosenShownFirst === null) throw new AppError("NOT_FOUND", "No such vote.");
  const chosenSide = v.chosenShownFirst ? "A" : "B";
  const spans = (await spansOfVotes(pool(), [v.id])).get(v.id) ?? [];
  return {
    assignment: {
      id: v.id,
      leaseExpiresAt: v.editableUntil.toISOString(),
      mode: "revision",
      voteId: v.id,
      editableUntil: v.editableUntil.toISOString(),
    },
    ...shownParts(v),
    critiqueTaxonomy: await currentTaxonomy(pool(), v.projectId),
    draft: {
      answer: voteToAnswer(v.vote, v.chosenShownFirst),
      confidence: v.confidence,
      rationale: v.rationale,
      flags: storedToFlags(v.flags, v.chosenShownFirst) as { A: never[]; B: never[] },
      // By the side shown, never by completion: the screen stays blind.
      spans: spans.map(({ id: _id, taxonomyVersion: _v, completionId, ...span }) => ({
        ...span,
        side: completionId === v.chosenCompletionId ? chosenSide : chosenSide === "A" ? ("B" as const) : ("A" as const),
      })),
      timeOnTaskMs: v.timeOnTaskMs ?? 0,
    },
  };
}

/** A project's verification sets as a clinician sees them: name, pairs and what is left for them. */
export async function setsToVerify(projectSlug: string, userId: string) {
  return queryRows<{ id: string; name: string; version: number; pairCount: number; pending: number; answered: number }>(
    pool(),
    sql`SELECT s.id, s.name, s.version, s.pair_count,
            (SELECT count(*)::int FROM verification_pairs v WHERE v.set_id = s.id AND v.outcome = 'PENDING') AS pending,
            (SELECT count(*)::int FROM verification_votes o JOIN verification_pairs v ON v.id = o.pair_id WHERE v.set_id = s.id AND o.user_id = ${userId}) AS answered
       FROM verification_sets s JOIN projects j ON j.id = s.project_id
      WHERE j.slug = ${projectSlug} ORDER BY s.created_at DESC`,
  );
}

/** A set of the project, for the pair page's heading; null when there is no such set there. */
export async function verificationSetForClinician(projectSlug: string, setId: string) {
  return queryOne<{ id: string; name: string; version: number }>(
    pool(),
    sql`SELECT s.id, s.name, s.version FROM verification_sets s JOIN projects j ON j.id = s.project_id WHERE j.slug = ${projectSlug} AND s.id = ${setId}::uuid`,
  );
}

/** The clinician's own answers in a set, newest first, with whether they can still be revised. */
export async function ownPairVotes(userId: string, setId: string) {
  const rows = await queryRows<{ id: string; revision: number; createdAt: Date; editable: boolean; preview: string | null }>(
    pool(),
    sql`SELECT o.id, o.revision, o.created_at, o.created_at + make_interval(mins => j.edit_window_minutes) > now() AS editable,
            (SELECT m->>'content' FROM jsonb_array_elements(p.messages) m WHERE m->>'role' = 'user' LIMIT 1) AS preview
       FROM verification_votes o JOIN verification_pairs v ON v.id = o.pair_id JOIN verification_sets s ON s.id = v.set_id
       JOIN projects j ON j.id = s.project_id JOIN prompts p ON p.id = v.prompt_id
      WHERE o.user_id = ${userId} AND v.set_id = ${setId} AND NOT o.imported
      ORDER BY o.created_at DESC LIMIT 200`,
  );
  return rows.map((r) => ({ ...r, preview: String(r.preview ?? "").slice(0, 160) }));
}

/** Whether the vote exists and is the user's own (not imported). */
export async function isOwnPairVote(voteId: string, userId: string): Promise<boolean> {
  const row = await queryOne<{ id: string }>(
    pool(),
    sql`SELECT id FROM verification_votes WHERE id = ${voteId} AND user_id = ${userId} AND NOT imported`,
  );
  return row !== null;
}
