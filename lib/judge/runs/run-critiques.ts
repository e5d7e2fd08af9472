import "server-only";
import { taxonomyVersion } from "@/lib/critiques/project-taxonomy";
import type { CritiqueSeverity } from "@/lib/critiques/taxonomy";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql, type Queryable } from "@/lib/db/sql";
import type { Tx } from "@/lib/db/transaction";
import type { JudgeCritiqueOutcome } from "@/lib/judge/judge-critiques";

/**
 * A judge run's critique spans, the server side: which taxonomy a run asks in (kept in its config
 * when it is created, so every unit and every Batch line re-rendered later shows the same tags), the
 * per-ranking reports of how the judge's quotes matched, and the run page's summary of them.
 */

/** The run `r`'s critique taxonomy as batchRequest and the unit loaders read it: its version (null: none asked) and tags (null: the default's). */
export const RUN_CRITIQUE_TAXONOMY_SQL = sql`(r.config->>'critiqueTaxonomyVersion')::int AS critique_taxonomy_version,
  (SELECT ct.tags FROM critique_taxonomies ct WHERE ct.project_id = r.project_id AND ct.version = (r.config->>'critiqueTaxonomyVersion')::int) AS critique_tags`;

/** A stored judge ranking's critique outcome, to be reported. */
export interface CritiqueReportRow {
  runId: string;
  promptId: string;
  permutationIndex: number;
  critiques: JudgeCritiqueOutcome;
}

/** Stores the reports of judge rankings just stored, in one statement (a ranking's report is written once). */
export async function insertCritiqueReports(tx: Tx, reports: readonly CritiqueReportRow[]): Promise<void> {
  if (reports.length === 0) return;
  const rows = reports.map((r) => ({
    run_id: r.runId,
    prompt_id: r.promptId,
    permutation_index: r.permutationIndex,
    ...r.critiques.matches,
    unmatched_quotes: r.critiques.unmatched,
  }));
  await execute(
    tx,
    sql`INSERT INTO judge_critique_reports (run_id, prompt_id, permutation_index, exact, normalized, fuzzy, unmatched, unmatched_quotes)
        SELECT * FROM jsonb_to_recordset(${JSON.stringify(rows)}::jsonb)
            AS x(run_id uuid, prompt_id uuid, permutation_index int, exact int, normalized int, fuzzy int, unmatched int, unmatched_quotes jsonb)
        ON CONFLICT DO NOTHING`,
    { name: "insert-critique-reports" },
  );
}

/** The texts of completions by id (Batch ingestion reads them only for runs that ask for critiques). */
export async function completionTexts(db: Queryable, ids: readonly string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ id: string; text: string }>(
    db,
    sql`SELECT id, text FROM completions WHERE id = ANY(${[...ids]}::uuid[])`,
    { name: "critique-completion-texts" },
  );
  return new Map(rows.map((r) => [r.id, r.text]));
}

/** An unmatched quote as the run page lists it. */
export interface UnmatchedQuoteView {
  promptId: string;
  externalId: string | null;
  permutationIndex: number;
  /** The response's position as the judge was shown it (1 = "Response 1"). */
  shownPosition: number;
  quote: string;
  tag: string;
  severity: CritiqueSeverity;
  comment: string;
}

/** How a run's critique quotes matched, and its latest unmatched quotes; null for a run that asks for no critiques. */
export interface RunCritiqueSummary {
  taxonomyVersion: number;
  /** The labels of that version's tags, by key. */
  tagLabels: Record<string, string>;
  rankings: number;
  exact: number;
  normalized: number;
  fuzzy: number;
  unmatched: number;
  latestUnmatched: UnmatchedQuoteView[];
}

/** The run page's critique section: totals over the run's reports and its `limit` latest unmatched quotes (newest first). */
export async function runCritiqueSummary(runId: string, limit = 50): Promise<RunCritiqueSummary | null> {
  const totals = await queryOne<
    Omit<RunCritiqueSummary, "latestUnmatched" | "tagLabels"> & { taxonomyVersion: number | null; projectId: string }
  >(
    pool(),
    sql`SELECT r.project_id, (r.config->>'critiqueTaxonomyVersion')::int AS taxonomy_version, count(k.run_id)::int AS rankings,
               coalesce(sum(k.exact), 0)::int AS exact, coalesce(sum(k.normalized), 0)::int AS normalized,
               coalesce(sum(k.fuzzy), 0)::int AS fuzzy, coalesce(sum(k.unmatched), 0)::int AS unmatched
          FROM judge_runs r LEFT JOIN judge_critique_reports k ON k.run_id = r.id WHERE r.id = ${runId} GROUP BY r.id`,
  );
  if (!totals || totals.taxonomyVersion === null) return null;
  const latestUnmatched = await queryRows<UnmatchedQuoteView>(
    pool(),
    sql`SELECT k.prompt_id, p.external_id, k.permutation_index, q.item->>'quote' AS quote, q.item->>'tag' AS tag,
               q.item->>'severity' AS severity, q.item->>'comment' AS comment,
               coalesce(array_position(c.shown_order, (q.item->>'completionId')::uuid), 0) AS shown_position
          FROM (SELECT * FROM judge_critique_reports WHERE run_id = ${runId} AND unmatched > 0 ORDER BY created_at DESC LIMIT ${limit}) k
          JOIN prompts p ON p.id = k.prompt_id
          LEFT JOIN LATERAL (SELECT rr.shown_order FROM rankings g JOIN ranking_revisions rr ON rr.ranking_id = g.id
                              WHERE g.judge_run_id = k.run_id AND g.prompt_id = k.prompt_id AND g.permutation_index = k.permutation_index LIMIT 1) c ON true
          CROSS JOIN LATERAL jsonb_array_elements(k.unmatched_quotes) WITH ORDINALITY AS q(item, ord)
         ORDER BY k.created_at DESC, k.prompt_id, k.permutation_index, q.ord LIMIT ${limit}`,
  );
  const { projectId, taxonomyVersion: version, ...figures } = totals;
  const taxonomy = await taxonomyVersion(pool(), projectId, version);
  return {
    taxonomyVersion: version,
    tagLabels: Object.fromEntries(taxonomy.tags.map((t) => [t.key, t.label])),
    ...figures,
    latestUnmatched,
  };
}
