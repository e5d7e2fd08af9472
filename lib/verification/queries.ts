import "server-only";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import { isId } from "@/lib/core/ids";
import { EXPORT_FORMATS } from "@/lib/export/export-config";
import { exportFormat } from "@/lib/export/formats";
import { outcomeCategories, type Outcome, type Vote } from "@/lib/verification/pair-outcome";
import { setAgreementOf, type SetAgreement } from "@/lib/verification/verification-agreement";

export interface VerificationSetRow {
  id: string;
  projectId: string;
  projectSlug: string;
  name: string;
  version: number;
  judgeRunId: string | null;
  exportId: string | null;
  config: Record<string, unknown>;
  raters: number;
  agree: number;
  disputed: "exclude" | "adjudicate";
  pairCount: number;
  createdAt: Date;
  /** The source as people know it: "judge run <name>" or "export <name>". */
  sourceLabel: string;
}

/** A set by id, or NOT_FOUND naming the field. */
export async function verificationSet(setId: string, field = "set"): Promise<VerificationSetRow> {
  const set = isId(setId)
    ? await queryOne<VerificationSetRow>(
        pool(),
        sql`SELECT vs.id, vs.project_id, p.slug AS project_slug, vs.name, vs.version, vs.judge_run_id, vs.export_id, vs.config, vs.raters, vs.agree,
                   vs.disputed, vs.pair_count, vs.created_at,
                   coalesce('judge run ' || r.name, 'export ' || e.name) AS source_label
              FROM verification_sets vs JOIN projects p ON p.id = vs.project_id
              LEFT JOIN judge_runs r ON r.id = vs.judge_run_id LEFT JOIN exports e ON e.id = vs.export_id
             WHERE vs.id = ${setId}`,
      )
    : undefined;
  if (!set) throw new AppError("NOT_FOUND", `No verification set ${setId}.`, field);
  return set;
}

/** A project's sets, newest first. */
export function verificationSetsOf(projectId: string) {
  return queryRows<{ id: string; name: string; version: number; pairCount: number; createdAt: Date; pending: number }>(
    pool(),
    sql`SELECT vs.id, vs.name, vs.version, vs.pair_count, vs.created_at,
               (SELECT count(*)::int FROM verification_pairs vp WHERE vp.set_id = vs.id AND vp.outcome = 'PENDING') AS pending
          FROM verification_sets vs WHERE vs.project_id = ${projectId} ORDER BY vs.created_at DESC, vs.name, vs.version DESC`,
  );
}

/** One line of `verification pairs --json` (an interface: keys and values exact). */
export interface PairListing {
  pair: string;
  prompt_id: string;
  judge_chosen: string;
  judge_rejected: string;
  categories: string[];
  status: "pending" | "verified" | "overturned" | "disputed";
}

export async function verificationPairsListing(setId: string): Promise<PairListing[]> {
  await verificationSet(setId);
  const rows = await queryRows<{ id: string; promptId: string; chosen: string; rejected: string; categories: string[]; outcome: Outcome }>(
    pool(),
    sql`SELECT vp.id, coalesce(p.external_id, p.id::text) AS prompt_id, c.model AS chosen, r.model AS rejected, vp.categories, vp.outcome
          FROM verification_pairs vp
          JOIN prompts p ON p.id = vp.prompt_id
          JOIN completions c ON c.id = vp.chosen_completion_id
          JOIN completions r ON r.id = vp.rejected_completion_id
         WHERE vp.set_id = ${setId} ORDER BY vp.position`,
  );
  return rows.map((r) => ({
    pair: r.id,
    prompt_id: r.promptId,
    judge_chosen: r.chosen,
    judge_rejected: r.rejected,
    categories: outcomeCategories(r.categories, r.outcome),
    status: r.outcome.toLowerCase() as PairListing["status"],
  }));
}

export interface OutcomeCounts {
  pairs: number;
  verified: number;
  overturned: number;
  disputed: number;
  pending: number;
}

export interface SetBreakdownRow extends OutcomeCounts {
  group: string;
  agreement: SetAgreement;
}

export interface DisputedPair {
  id: string;
  position: number;
  promptId: string;
  promptLabel: string;
  votes: { rater: string; vote: Vote; confidence: number | null; rationale: string }[];
}

export interface VerificationSetSummary {
  set: VerificationSetRow;
  counts: OutcomeCounts;
  agreement: SetAgreement;
  bySource: SetBreakdownRow[];
  byCategory: SetBreakdownRow[];
  disputed: DisputedPair[];
}

interface PairVotes {
  id: string;
  position: number;
  promptId: string;
  promptLabel: string;
  source: string | null;
  categories: string[];
  outcome: Outcome;
  adjudicated: boolean;
  votes: DisputedPair["votes"];
}

/**
 * What the set's page and `verification show` report: outcome counts, human–human and human–judge
 * agreement (overall, per source dataset and per category), and the disputed pairs with their votes.
 * Raters appear by pseudonym only.
 */
export async function verificationSetSummary(setId: string): Promise<VerificationSetSummary> {
  const set = await verificationSet(setId);
  const pairs = await queryRows<PairVotes>(
    pool(),
    sql`SELECT vp.id, vp.position, vp.prompt_id, coalesce(p.external_id, left(p.id::text, 8)) AS prompt_label, vp.source, vp.categories, vp.outcome,
               vp.adjudicated_by_id IS NOT NULL AS adjudicated,
               coalesce((SELECT json_agg(json_build_object('rater', u.pseudonym, 'vote', v.vote, 'confidence', v.confidence, 'rationale', v.rationale)
                                         ORDER BY v.created_at, v.id)
                           FROM verification_votes v JOIN users u ON u.id = v.user_id WHERE v.pair_id = vp.id), '[]') AS votes
          FROM verification_pairs vp JOIN prompts p ON p.id = vp.prompt_id
         WHERE vp.set_id = ${setId} ORDER BY vp.position`,
  );
  const summarize = (group: string, members: PairVotes[]): SetBreakdownRow => ({
    group,
    ...countOutcomes(members),
    agreement: setAgreementOf(members, set.config),
  });
  return {
    set,
    counts: countOutcomes(pairs),
    agreement: setAgreementOf(pairs, set.config),
    bySource: groupsOf(pairs, (p) => [p.source ?? "(none)"]).map(([g, m]) => summarize(g, m)),
    byCategory: groupsOf(pairs, (p) => outcomeCategories(p.categories, p.outcome)).map(([g, m]) => summarize(g, m)),
    disputed: pairs
      .filter((p) => p.outcome === "DISPUTED")
      .map((p) => ({ id: p.id, position: p.position, promptId: p.promptId, promptLabel: p.promptLabel, votes: p.votes })),
  };
}

function countOutcomes(pairs: readonly PairVotes[]): OutcomeCounts {
  const count = (o: Outcome) => pairs.filter((p) => p.outcome === o).length;
  return {
    pairs: pairs.length,
    verified: count("VERIFIED"),
    overturned: count("OVERTURNED"),
    disputed: count("DISPUTED"),
    pending: count("PENDING"),
  };
}

function groupsOf(pairs: readonly PairVotes[], keys: (p: PairVotes) => string[]): [string, PairVotes[]][] {
  const groups = new Map<string, PairVotes[]>();
  for (const p of pairs) for (const k of keys(p)) groups.set(k, [...(groups.get(k) ?? []), p]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b));
}

const PAIR_FORMATS = EXPORT_FORMATS.filter((f) => exportFormat(f).hasCategories);

/** What a project's sets can be made from: its judge runs with rankings, and ready exports of it with preference pairs. */
export async function verificationSources(projectId: string, projectSlug: string) {
  const [runs, exports] = await Promise.all([
    queryRows<{ id: string; name: string; model: string | null; createdAt: Date }>(
      pool(),
      sql`SELECT r.id, r.name, r.model, r.created_at FROM judge_runs r
           WHERE r.project_id = ${projectId} AND r.kind = 'JUDGE' AND EXISTS (SELECT 1 FROM rankings k WHERE k.judge_run_id = r.id)
           ORDER BY r.created_at DESC LIMIT 100`,
    ),
    queryRows<{ id: string; name: string; createdAt: Date }>(
      pool(),
      sql`SELECT e.id, e.name, e.created_at FROM exports e
           WHERE e.status = 'READY' AND e.config->'projects' ? ${projectSlug} AND e.config->>'format' = ANY(${PAIR_FORMATS}::text[])
           ORDER BY e.created_at DESC LIMIT 100`,
    ),
  ]);
  return { runs, exports };
}
