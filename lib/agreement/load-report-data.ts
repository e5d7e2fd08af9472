import "server-only";
import { RunKind, RankingKind } from "@/generated/prisma/enums";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import type { ReportData, ReportPrompt, ReportRanking } from "@/lib/agreement/report-data";
import { pool } from "@/lib/db/pool";
import { query, queryRows, execute, sql, type Sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";

/** Which rankings the report looks at. Dates bound when human rankings were (last) submitted. */
export interface ReportFilter {
  from?: string | null;
  to?: string | null;
  annotatorIds?: string[];
  runIds?: string[];
}

/**
 * Aliased in camelCase like RankingRow: rows come back from pg without a renaming copy. The
 * per-candidate lists are json_agg, not array_agg: pg parses json natively (JSON.parse), arrays
 * in JavaScript character by character (400k arrays at 100k prompts).
 */
interface PromptRow {
  id: string;
  preview: string;
  source: string | null;
  promptType: string | null;
  models: string[];
  lengths: number[];
  positions: number[];
  /** Each candidate's position, candidates in completion-id order (the order of a ranking's `entries`). */
  positionsById: number[];
}

/**
 * Columns aliased in camelCase (`AS "promptId"`), so `query` hands pg's rows back as they are instead
 * of copying 50k rows into renamed objects (lib/db/sql.ts maps only when a column name differs).
 */
interface RankingRow {
  promptId: string;
  kind: RankingKind;
  raterId: string | null;
  judgeRunId: string | null;
  permutationIndex: number | null;
  fromAssignment: boolean;
  /**
   * "rank shown;…" per entry in completion-id order (text: far cheaper to transfer and parse than
   * arrays), kept per revision in `revision_ranks`. Ordered by id rather than by position: the
   * prompt's `positionsById` maps the k-th entry to its candidate.
   */
  entries: string;
  timeOnTaskMs: number | null;
  flagged: boolean;
}

/** The rankings query's cost crosses the JIT threshold, and compiling takes longer than running it. */
function rankingRows<Row>(statement: Sql): Promise<{ rows: Row[] }> {
  return withTransaction(async (tx) => {
    await execute(tx, sql`SET LOCAL jit = off`);
    return query<Row>(tx, statement);
  });
}

/**
 * Loads a project's prompts and the latest revision of each ranking in two queries (a ranking's
 * entries read from its revision's one `revision_ranks` row: 500k rows at 100k prompts, not 4 million).
 */
export async function loadReportData(projectId: string, filter: ReportFilter = {}): Promise<ReportData> {
  const from = filter.from ?? null;
  const to = filter.to ?? null;
  const annotatorIds = filter.annotatorIds?.length ? filter.annotatorIds : null;
  const runIds = filter.runIds?.length ? filter.runIds : null;
  const [prompts, rankings, raters, runs] = await Promise.all([
    queryRows<PromptRow>(
      pool(),
      sql`SELECT p.id, left(coalesce(p.messages -> -1 ->> 'content', ''), 160) AS preview, p.source, p.prompt_type AS "promptType",
              json_agg(c.model ORDER BY c.position) AS models, json_agg(c.text_bytes ORDER BY c.position) AS lengths,
              json_agg(c.position ORDER BY c.position) AS positions, json_agg(c.position ORDER BY c.id) AS "positionsById"
         FROM prompts p JOIN completions c ON c.prompt_id = p.id
        WHERE p.project_id = ${projectId} GROUP BY p.id`,
    ),
    rankingRows<RankingRow>(
      sql`SELECT r.prompt_id AS "promptId", r.kind, r.rater_id AS "raterId", r.judge_run_id AS "judgeRunId",
              r.permutation_index AS "permutationIndex", r.assignment_id IS NOT NULL AS "fromAssignment",
              x.entries, rr.time_on_task_ms AS "timeOnTaskMs", (cardinality(rr.flags) > 0 OR x.entries_flagged) AS flagged
         FROM rankings r
         JOIN prompts p ON p.id = r.prompt_id AND p.project_id = ${projectId}
         JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
         JOIN revision_ranks x ON x.revision_id = rr.id
        WHERE (r.kind <> ${RankingKind.HUMAN} OR ((${from}::timestamptz IS NULL OR rr.created_at >= ${from}::timestamptz)
                                     AND (${to}::timestamptz IS NULL OR rr.created_at < ${to}::timestamptz)
                                     AND (${annotatorIds}::uuid[] IS NULL OR r.rater_id = ANY(${annotatorIds}::uuid[]))))
          AND (r.kind <> ${RankingKind.JUDGE} OR ${runIds}::uuid[] IS NULL OR r.judge_run_id = ANY(${runIds}::uuid[]))`,
    ),
    queryRows<{ id: string; name: string; pseudonym: string; isExternal: boolean }>(
      pool(),
      sql`SELECT u.id, u.name, u.pseudonym, u.is_external FROM users u
        WHERE u.id IN (SELECT r.rater_id FROM rankings r JOIN prompts p ON p.id = r.prompt_id WHERE p.project_id = ${projectId} AND r.rater_id IS NOT NULL)`,
    ),
    queryRows<{ id: string; name: string; model: string | null }>(
      pool(),
      sql`SELECT id, name, model FROM judge_runs WHERE project_id = ${projectId} AND kind = ${RunKind.JUDGE} ORDER BY created_at`,
    ),
  ]);
  const byId = new Map<string, { prompt: ReportPrompt; slots: Int32Array }>();
  for (const row of prompts) {
    byId.set(row.id, {
      prompt: {
        id: row.id,
        preview: row.preview,
        source: row.source,
        promptType: row.promptType,
        models: row.models,
        lengths: row.lengths,
        rankings: [],
      },
      // slots[k]: the candidate (in position order) of a ranking's k-th entry.
      slots: Int32Array.from(row.positionsById, (position) => row.positions.indexOf(position)),
    });
  }
  // Every ranking's ranks and shown positions are views into two arrays for the whole report: a
  // pair of typed arrays per ranking (500k at 100k prompts) was a million more objects for the
  // collector to trace. Ranks as stored are read into one scratch array per candidate count.
  let total = 0;
  for (const row of rankings.rows) total += byId.get(row.promptId)?.prompt.models.length ?? 0;
  const allRanks = new Float64Array(total);
  const allShown = new Int16Array(total).fill(-1);
  let used = 0;
  const scratch: Float64Array[] = [];
  for (const row of rankings.rows) {
    const target = byId.get(row.promptId);
    if (!target) continue;
    const n = target.prompt.models.length;
    const raw = (scratch[n] ??= new Float64Array(n));
    const shown = allShown.subarray(used, used + n);
    // A human ranking not made through an assignment was imported: whatever order was stored
    // with it (files imported before shown orders were left out kept the file's) nobody saw.
    const shownKnown = row.kind !== RankingKind.HUMAN || row.fromAssignment;
    // A ranking covers the candidates it saw; one made before a candidate was added is left out.
    if (!parseEntries(row.entries, target.slots, raw, shownKnown ? shown : null)) {
      shown.fill(-1);
      continue;
    }
    const ranking: ReportRanking = {
      kind: row.kind,
      raterId: row.raterId,
      runId: row.judgeRunId,
      permutation: row.permutationIndex,
      fromAssignment: row.fromAssignment,
      ranks: fractionalRanks(raw, allRanks.subarray(used, used + n)),
      shownPositions: shown,
      timeOnTaskMs: row.timeOnTaskMs,
      flagged: row.flagged,
    };
    used += n;
    target.prompt.rankings.push(ranking);
  }
  return {
    prompts: [...byId.values()].map((v) => v.prompt).sort((a, b) => (a.id < b.id ? -1 : 1)),
    raters: new Map(raters.map((r) => [r.id, { id: r.id, name: r.name, pseudonym: r.pseudonym, external: r.isExternal }])),
    runs: new Map(runs.map((r) => [r.id, { id: r.id, name: r.name, model: r.model }])),
  };
}

/**
 * Reads "rank shown;rank shown;…" (integers, shown may be −1) into `ranks[slots[k]]` and
 * `shown[slots[k]]` for the k-th entry, without splitting strings (600k rankings at 100k prompts).
 * False when the entries are not exactly one per candidate.
 */
export function parseEntries(text: string, slots: Int32Array, ranks: Float64Array, shown: Int16Array | null): boolean {
  let k = 0;
  let field = 0;
  let value = 0;
  let negative = false;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 59; // ';' ends the last entry
    if (c >= 48 && c <= 57) value = value * 10 + (c - 48);
    else if (c === 45) negative = true;
    else {
      if (k >= slots.length) return false;
      const x = negative ? -value : value;
      if (field === 0) ranks[slots[k]!] = x;
      else if (shown) shown[slots[k]!] = x;
      value = 0;
      negative = false;
      if (c === 32) field = 1;
      else {
        field = 0;
        k += 1;
      }
    }
  }
  return k === slots.length;
}
