import "server-only";
import type { RankingKind } from "@/generated/prisma/enums";
import type pg from "pg";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import type { ReportData, ReportPrompt, ReportRanking } from "@/lib/agreement/report-data";
import { pool } from "@/lib/db/pool";
import { withTransaction } from "@/lib/db/transaction";

/** Which rankings the report looks at. Dates bound when human rankings were (last) submitted. */
export interface ReportFilter {
  from?: string | null;
  to?: string | null;
  annotatorIds?: string[];
  runIds?: string[];
}

interface PromptRow {
  id: string;
  preview: string;
  source: string | null;
  prompt_type: string | null;
  models: string[];
  lengths: number[];
  positions: number[];
}

interface RankingRow {
  prompt_id: string;
  kind: RankingKind;
  rater_id: string | null;
  judge_run_id: string | null;
  permutation_index: number | null;
  from_assignment: boolean;
  /** "position rank shown;…" per entry (text: far cheaper to transfer and parse than arrays). */
  entries: string;
  time_on_task_ms: number | null;
  flagged: boolean;
}

/**
 * The rankings query sorts ~8 rows per ranking: with the default work_mem it spills to disk, and
 * its cost crosses the JIT threshold (compiling takes longer than running it). Both set per query.
 */
function rankingRows<T extends pg.QueryResultRow>(text: string, values: unknown[]): Promise<pg.QueryResult<T>> {
  return withTransaction(async (tx) => {
    await tx.query("SET LOCAL work_mem = '256MB'; SET LOCAL jit = off");
    return tx.query<T>(text, values);
  });
}

/**
 * Loads a project's prompts and the latest revision of each ranking in two queries (rankings
 * aggregated per ranking in SQL, so 50k rankings are 50k rows, not 400k).
 */
export async function loadReportData(projectId: string, filter: ReportFilter = {}): Promise<ReportData> {
  const [prompts, rankings, raters, runs] = await Promise.all([
    pool().query<PromptRow>(
      `SELECT p.id, left(coalesce(p.messages -> -1 ->> 'content', ''), 160) AS preview, p.source, p.prompt_type,
              array_agg(c.model ORDER BY c.position) AS models, array_agg(octet_length(c.text) ORDER BY c.position) AS lengths,
              array_agg(c.position ORDER BY c.position) AS positions
         FROM prompts p JOIN completions c ON c.prompt_id = p.id
        WHERE p.project_id = $1 GROUP BY p.id`,
      [projectId],
    ),
    rankingRows<RankingRow>(
      `SELECT r.prompt_id, r.kind, r.rater_id, r.judge_run_id, r.permutation_index, r.assignment_id IS NOT NULL AS from_assignment,
              string_agg(c.position || ' ' || e.rank || ' ' || coalesce(e.shown_position, -1), ';') AS entries,
              rr.time_on_task_ms,
              (cardinality(rr.flags) > 0 OR bool_or(cardinality(e.flags) > 0)) AS flagged
         FROM rankings r
         JOIN prompts p ON p.id = r.prompt_id AND p.project_id = $1
         JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
         JOIN ranking_entries e ON e.revision_id = rr.id
         JOIN completions c ON c.id = e.completion_id
        WHERE (r.kind <> 'HUMAN' OR (($2::timestamptz IS NULL OR rr.created_at >= $2) AND ($3::timestamptz IS NULL OR rr.created_at < $3)
                                     AND ($4::uuid[] IS NULL OR r.rater_id = ANY($4))))
          AND (r.kind <> 'JUDGE' OR $5::uuid[] IS NULL OR r.judge_run_id = ANY($5))
        GROUP BY r.id, rr.id`,
      [
        projectId,
        filter.from ?? null,
        filter.to ?? null,
        filter.annotatorIds?.length ? filter.annotatorIds : null,
        filter.runIds?.length ? filter.runIds : null,
      ],
    ),
    pool().query<{ id: string; name: string; pseudonym: string; is_external: boolean }>(
      `SELECT u.id, u.name, u.pseudonym, u.is_external FROM users u
        WHERE u.id IN (SELECT r.rater_id FROM rankings r JOIN prompts p ON p.id = r.prompt_id WHERE p.project_id = $1 AND r.rater_id IS NOT NULL)`,
      [projectId],
    ),
    pool().query<{ id: string; name: string; model: string | null }>(
      `SELECT id, name, model FROM judge_runs WHERE project_id = $1 AND kind = 'JUDGE' ORDER BY created_at`,
      [projectId],
    ),
  ]);
  const byId = new Map<string, { prompt: ReportPrompt; index: Map<number, number> }>();
  for (const row of prompts.rows) {
    byId.set(row.id, {
      prompt: {
        id: row.id,
        preview: row.preview,
        source: row.source,
        promptType: row.prompt_type,
        models: row.models,
        lengths: row.lengths,
        rankings: [],
      },
      index: new Map(row.positions.map((position, i) => [position, i])),
    });
  }
  for (const row of rankings.rows) {
    const target = byId.get(row.prompt_id);
    if (!target) continue;
    const n = target.prompt.models.length;
    const entries = row.entries.split(";");
    // A ranking covers the candidates it saw; one made before a candidate was added is left out.
    if (entries.length !== n) continue;
    const raw = new Float64Array(n);
    const shown = new Int16Array(n).fill(-1);
    // A human ranking not made through an assignment was imported: whatever order was stored
    // with it (files imported before shown orders were left out kept the file's) nobody saw.
    const shownKnown = row.kind !== "HUMAN" || row.from_assignment;
    for (const entry of entries) {
      const [position, rank, shownAt] = entry.split(" ");
      const i = target.index.get(Number(position))!;
      raw[i] = Number(rank);
      if (shownKnown) shown[i] = Number(shownAt);
    }
    const ranking: ReportRanking = {
      kind: row.kind,
      raterId: row.rater_id,
      runId: row.judge_run_id,
      permutation: row.permutation_index,
      fromAssignment: row.from_assignment,
      ranks: fractionalRanks(raw),
      shownPositions: shown,
      timeOnTaskMs: row.time_on_task_ms,
      flagged: row.flagged,
    };
    target.prompt.rankings.push(ranking);
  }
  return {
    prompts: [...byId.values()].map((v) => v.prompt).sort((a, b) => (a.id < b.id ? -1 : 1)),
    raters: new Map(raters.rows.map((r) => [r.id, { id: r.id, name: r.name, pseudonym: r.pseudonym, external: r.is_external }])),
    runs: new Map(runs.rows.map((r) => [r.id, { id: r.id, name: r.name, model: r.model }])),
  };
}
