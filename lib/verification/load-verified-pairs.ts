import "server-only";
import type pg from "pg";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import type { ChatMessage } from "@/lib/export/export-prompt";
import type { Outcome, Vote } from "@/lib/verification/pair-outcome";
import type { VerifiedSet } from "@/lib/verification/verified-card";
import type { PairTexts, VerifiedPairSource } from "@/lib/verification/verified-rows";

interface SetRow {
  id: string;
  name: string;
  version: number;
  projectSlug: string;
  projectName: string;
  judgeRunId: string | null;
  judgeRunName: string | null;
  exportId: string | null;
  exportName: string | null;
  config: Record<string, unknown>;
  raters: number;
  agree: number;
  disputed: "exclude" | "adjudicate";
}

/** A verification set with its source's name; a NOT_FOUND error naming the field when there is none. */
export async function loadVerifiedSet(client: pg.PoolClient | pg.Pool, setId: string): Promise<VerifiedSet> {
  const row = await queryOne<SetRow>(
    client,
    sql`SELECT s.id, s.name, s.version, p.slug AS project_slug, p.name AS project_name, s.judge_run_id, r.name AS judge_run_name,
               s.export_id, e.name AS export_name, s.config, s.raters, s.agree, s.disputed
          FROM verification_sets s
          JOIN projects p ON p.id = s.project_id
          LEFT JOIN judge_runs r ON r.id = s.judge_run_id
          LEFT JOIN exports e ON e.id = s.export_id
         WHERE s.id::text = ${setId}`,
  );
  if (!row) throw new AppError("NOT_FOUND", `No verification set with the id ${setId}.`, "set");
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    project: { slug: row.projectSlug, name: row.projectName },
    source: row.judgeRunId
      ? { kind: "judge", id: row.judgeRunId, name: row.judgeRunName ?? "" }
      : { kind: "export", id: row.exportId!, name: row.exportName ?? "" },
    config: row.config,
    raters: row.raters,
    agree: row.agree,
    disputed: row.disputed,
  };
}

interface PairRow {
  id: string;
  position: number;
  promptId: string;
  externalId: string | null;
  source: string | null;
  promptType: string | null;
  chosenId: string;
  chosenModel: string;
  rejectedId: string;
  rejectedModel: string;
  categories: string[];
  judge: unknown;
  outcome: Outcome;
  adjudicated: boolean;
  votes: { rater: string; vote: Vote; confidence: number | null }[];
}

/**
 * Every pair of a set in position order, with both completions' ids and models and every vote in
 * the order cast (raters by pseudonym only), without texts (streamKeptPairTexts reads those).
 */
export async function loadVerifiedPairs(client: pg.PoolClient | pg.Pool, setId: string): Promise<VerifiedPairSource[]> {
  const rows = await queryRows<PairRow>(
    client,
    sql`SELECT vp.id, vp.position, vp.prompt_id, p.external_id, vp.source, vp.prompt_type,
               vp.chosen_completion_id AS chosen_id, cc.model AS chosen_model,
               vp.rejected_completion_id AS rejected_id, rc.model AS rejected_model,
               vp.categories, vp.judge, vp.outcome, vp.adjudicated_by_id IS NOT NULL AS adjudicated,
               coalesce((SELECT json_agg(json_build_object('rater', u.pseudonym, 'vote', v.vote, 'confidence', v.confidence)
                                         ORDER BY v.created_at, v.id)
                           FROM verification_votes v JOIN users u ON u.id = v.user_id
                          WHERE v.pair_id = vp.id), '[]'::json) AS votes
          FROM verification_pairs vp
          JOIN prompts p ON p.id = vp.prompt_id
          JOIN completions cc ON cc.id = vp.chosen_completion_id
          JOIN completions rc ON rc.id = vp.rejected_completion_id
         WHERE vp.set_id = ${setId}::uuid
         ORDER BY vp.position`,
  );
  return rows.map((r) => ({
    id: r.id,
    position: r.position,
    promptId: r.promptId,
    externalId: r.externalId,
    source: r.source,
    promptType: r.promptType,
    chosen: { completionId: r.chosenId, model: r.chosenModel },
    rejected: { completionId: r.rejectedId, model: r.rejectedModel },
    categories: r.categories,
    judge: r.judge,
    outcome: r.outcome,
    adjudicated: r.adjudicated,
    votes: r.votes,
  }));
}

/** Kept pairs' texts read per batch: a set may hold 100,000 pairs, and memory holds one batch of texts. */
const TEXT_BATCH = 500;

/** The texts of a set's kept pairs (verified or overturned), in position order. */
export async function* streamKeptPairTexts(client: pg.PoolClient, setId: string): AsyncGenerator<PairTexts & { position: number }> {
  let after = -1;
  for (;;) {
    const batch = await queryRows<{ position: number; messages: ChatMessage[]; chosenText: string; rejectedText: string }>(
      client,
      sql`SELECT vp.position, p.messages, cc.text AS chosen_text, rc.text AS rejected_text
            FROM verification_pairs vp
            JOIN prompts p ON p.id = vp.prompt_id
            JOIN completions cc ON cc.id = vp.chosen_completion_id
            JOIN completions rc ON rc.id = vp.rejected_completion_id
           WHERE vp.set_id = ${setId}::uuid AND vp.outcome IN ('VERIFIED', 'OVERTURNED') AND vp.position > ${after}
           ORDER BY vp.position
           LIMIT ${TEXT_BATCH}`,
    );
    for (const r of batch) yield { position: r.position, messages: r.messages, chosen: r.chosenText, rejected: r.rejectedText };
    if (batch.length < TEXT_BATCH) return;
    after = batch.at(-1)!.position;
  }
}
