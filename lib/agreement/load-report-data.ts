import "server-only";
import { RunKind, RankingKind } from "@/generated/prisma/enums";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { ColumnsBuilder, kindCode, type ReportColumns } from "@/lib/agreement/report-data";
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
  id: string;
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
export async function loadReportData(projectId: string, filter: ReportFilter = {}): Promise<ReportColumns> {
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
      sql`SELECT r.id, r.prompt_id AS "promptId", r.kind, r.rater_id AS "raterId", r.judge_run_id AS "judgeRunId",
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
  prompts.sort((a, b) => (a.id < b.id ? -1 : 1));
  const indexOf = new Map<string, number>();
  prompts.forEach((row, i) => indexOf.set(row.id, i));
  // The rankings grouped by prompt (a counting sort: rows keep their order within a prompt).
  const rows = rankings.rows;
  const start = new Int32Array(prompts.length + 1);
  const promptOf = new Int32Array(rows.length);
  let candidates = 0;
  rows.forEach((row, i) => {
    const p = indexOf.get(row.promptId) ?? -1;
    promptOf[i] = p;
    if (p === -1) return;
    start[p + 1]! += 1;
    candidates += prompts[p]!.models.length;
  });
  for (let p = 0; p < prompts.length; p++) start[p + 1]! += start[p]!;
  const order = new Int32Array(start[prompts.length]!);
  const next = start.slice(0, prompts.length);
  for (let i = 0; i < rows.length; i++) if (promptOf[i]! !== -1) order[next[promptOf[i]!]!++] = i;
  const builder = new ColumnsBuilder(
    new Map(raters.map((r) => [r.id, { id: r.id, name: r.name, pseudonym: r.pseudonym, external: r.isExternal }])),
    new Map(runs.map((r) => [r.id, { id: r.id, name: r.name, model: r.model }])),
    { rankings: order.length, candidates },
  );
  const raw = new Float64Array(64);
  prompts.forEach((prompt, p) => {
    builder.addPrompt(prompt.id, prompt.preview, prompt.source, prompt.promptType, prompt.models, prompt.lengths);
    const n = prompt.models.length;
    // slots[k]: the candidate (in position order) of a ranking's k-th entry.
    const slots = Int32Array.from(prompt.positionsById, (position) => prompt.positions.indexOf(position));
    const scratch = n <= raw.length ? raw.subarray(0, n) : new Float64Array(n);
    order.subarray(start[p]!, start[p + 1]!).sort((a, b) => compareRankings(rows[a]!, rows[b]!));
    for (let k = start[p]!; k < start[p + 1]!; k++) {
      const row = rows[order[k]!]!;
      const target = builder.addRanking(
        kindCode(row.kind),
        row.raterId,
        row.judgeRunId,
        row.permutationIndex,
        row.fromAssignment,
        row.timeOnTaskMs,
        row.flagged,
      );
      // A human ranking not made through an assignment was imported: whatever order was stored
      // with it (files imported before shown orders were left out kept the file's) nobody saw.
      const shownKnown = row.kind !== RankingKind.HUMAN || row.fromAssignment;
      // A ranking covers the candidates it saw; one made before a candidate was added is left out.
      if (!parseEntries(row.entries, slots, scratch, shownKnown ? target.shown : null, target.at)) {
        builder.dropLastRanking();
        continue;
      }
      fractionalRanks(scratch, target.ranks, target.at);
    }
  });
  return builder.build();
}

const KIND_ORDER: Record<RankingKind, number> = { HUMAN: 0, GOLD: 1, ADJUDICATED: 2, JUDGE: 3 };
const compareText = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? -1 : b === null ? 1 : a < b ? -1 : 1);

/**
 * A prompt's rankings in a fixed order (kind, rater, run, permutation, id) rather than the order
 * PostgreSQL returned them in: the report lists clinicians and heatmap cells in order of first
 * appearance, and sums a prompt's figures in its rankings' order, so the same data always gives
 * the same report.
 */
function compareRankings(a: RankingRow, b: RankingRow): number {
  return (
    KIND_ORDER[a.kind] - KIND_ORDER[b.kind] ||
    compareText(a.raterId, b.raterId) ||
    compareText(a.judgeRunId, b.judgeRunId) ||
    (a.permutationIndex ?? -1) - (b.permutationIndex ?? -1) ||
    compareText(a.id, b.id)
  );
}

/**
 * Reads "rank shown;rank shown;…" (integers, shown may be −1) into `ranks[slots[k]]` and
 * `shown[shownAt + slots[k]]` for the k-th entry, without splitting strings (600k rankings at 100k prompts).
 * False when the entries are not exactly one per candidate.
 */
export function parseEntries(text: string, slots: Int32Array, ranks: Float64Array, shown: Int16Array | null, shownAt = 0): boolean {
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
      else if (shown) shown[shownAt + slots[k]!] = x;
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
