import "server-only";
import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql, type Sql } from "@/lib/db/sql";
import { naturalCompare } from "@/lib/projects/natural-sort";
import { projectCounts } from "@/lib/projects/project-counts";

export const PROMPT_STATUSES = ["needs-rankings", "disputed", "gold", "judged"] as const;
export type PromptStatus = (typeof PROMPT_STATUSES)[number];
export const PROMPT_STATUS_LABELS: Record<PromptStatus, string> = {
  "needs-rankings": "Needs rankings",
  disputed: "Disputed",
  gold: "Gold",
  judged: "Judged",
};

/** The project page's prompt list query, from its URL. Empty fields mean "any". */
export const promptListQuerySchema = z.object({
  q: z
    .string()
    .trim()
    .max(200, "at most 200 characters")
    .optional()
    .transform((v) => v || undefined),
  source: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((v) => v || undefined),
  type: z
    .string()
    .trim()
    .max(200)
    .optional()
    .transform((v) => v || undefined),
  status: z.preprocess(
    (v) => (v === "" ? undefined : v),
    z.enum(PROMPT_STATUSES, { error: `one of ${PROMPT_STATUSES.join(", ")}` }).optional(),
  ),
  page: z.coerce.number({ error: "a page number" }).int().min(1).max(1_000_000).default(1),
});
export type PromptListQuery = z.infer<typeof promptListQuerySchema>;

export const PROMPTS_PER_PAGE = 50;

export interface PromptListRow {
  id: string;
  externalId: string | null;
  preview: string;
  source: string | null;
  promptType: string | null;
  candidates: number;
  hasReference: boolean;
  humanRankings: number;
  /** Human rankings the queue wants for this prompt (k plus any sent back for). */
  wanted: number;
  gold: boolean;
  judged: boolean;
  disputed: boolean;
}

export interface PromptList {
  rows: PromptListRow[];
  /** Exact, or estimated from a sample for a common search in a large project (`totalEstimated`). */
  total: number;
  totalEstimated: boolean;
  page: number;
  pages: number;
  perPage: number;
  sources: string[];
  types: string[];
}

// Per prompt, kept by triggers in prompt_ranking_counts (alias c, migrations 20261130183322_prompt_ranking_counts
// and 20261130220413_prompt_list_order): its human, gold and adjudicated rankings, whether clinicians disagree on
// the best candidate (the latest revisions' rank-1 sets differ) and whether a judge ranked it. Disputed means
// no adjudicated ranking yet.
const DISPUTED = sql`(c.human_disputed AND c.adjudicated_rankings = 0)`;
const statusSql = (status: PromptStatus, overlapK: number): Sql => {
  switch (status) {
    case "needs-rankings":
      // A bound on (human_rankings - extra_rankings), which prompt_ranking_counts_needs_rankings_idx holds; k as a value,
      // so the planner weighs it with the column's statistics (as a subquery it chose a scan of every prompt).
      return sql`(c.gold_rankings = 0 AND c.human_rankings - c.extra_rankings < ${overlapK}::int)`;
    case "disputed":
      return DISPUTED;
    case "gold":
      return sql`(c.gold_rankings > 0)`;
    case "judged":
      return sql`c.judged`;
  }
};

/**
 * Where a page's prompts are read and the columns of the list's order (the stored natural sort key of the
 * external id, then import time and id; migration 20261130220413_prompt_list_order): each order is a range of
 * an index, so a deep page skips index entries only, in narrow tables, never the wide prompts rows. Source and
 * type filter prompt_list_keys (alias o, 20261130223409_prompt_list_keys: written with the prompt, never by
 * annotation, so its index-only scans stay off the heap); a status alone reads prompt_ranking_counts (copies of
 * the order's columns, partial indexes per status).
 */
const KEYS_ORDER = { id: sql`o.prompt_id`, projectId: sql`o.project_id`, sortKey: sql`o.sort_key`, createdAt: sql`o.created_at` };
const COUNTS_ORDER = { id: sql`c.prompt_id`, projectId: sql`c.project_id`, sortKey: sql`c.sort_key`, createdAt: sql`c.created_at` };

/**
 * A column's distinct values in a project, read by skipping through its (project_id, column, …)
 * index from one value to the next: a few index probes per value, not a pass over every prompt.
 */
function distinctValues(projectId: string, column: "source" | "prompt_type"): Sql {
  const c = sql.unsafe(column);
  return sql`WITH RECURSIVE v AS (
      (SELECT ${c} AS value FROM prompt_list_keys WHERE project_id = ${projectId} AND ${c} IS NOT NULL ORDER BY ${c} LIMIT 1)
      UNION ALL
      SELECT (SELECT ${c} FROM prompt_list_keys WHERE project_id = ${projectId} AND ${c} > v.value ORDER BY ${c} LIMIT 1) FROM v WHERE v.value IS NOT NULL)
    SELECT array_agg(value) FROM v WHERE value IS NOT NULL`;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** Between the id and each message in prompt_search_texts.body: a search without it never spans two parts. */
const SEARCH_PART_SEPARATOR = "\u001e";

/** How a search's total is found (see listPrompts); tests change it to reach each path on a small project. */
export interface SearchTotals {
  /** Projects up to this many prompts are always counted exactly (their texts are read in a few milliseconds). */
  exactUpTo: number;
  /** Of a larger project, about this many texts are sampled to tell a rare text (counted) from a common one (estimated). */
  sampleRows: number;
  /** Sampled texts matching up to this many: counted exactly. */
  exactUpToSampleHits: number;
  /** Estimated only when the page asked for is expected within this share of the project in id order. */
  walkShare: number;
}
export const SEARCH_TOTALS: SearchTotals = { exactUpTo: 20_000, sampleRows: 4_000, exactUpToSampleHits: 20, walkShare: 0.05 };

/**
 * One page of a project's prompts, filtered in the database (text in the id or any message,
 * source, type, status) and sorted by id in natural order (q2 before q10), then by import time
 * (stored keys in index order: a deep page skips index entries, it sorts nothing).
 *
 * A search reads prompt_search_texts (one lowercased text per prompt; `strpos` there is ILIKE
 * '%text%' on the id and each message, migration 20261130184102_prompt_search_texts). Its total is
 * exact, found by the same scan of the project's texts that finds the page, except for a search alone
 * in a project of more than `exactUpTo` prompts matching so many of them (a sample of the texts says so)
 * that the page asked for is near the start of the id order: then the total is estimated from that
 * sample (`totalEstimated`, shown as "about") and the page is read in natural order until it is full.
 */
export async function listPrompts(
  projectId: string,
  query: PromptListQuery,
  perPage = PROMPTS_PER_PAGE,
  searchTotals = SEARCH_TOTALS,
): Promise<PromptList> {
  // Conditions on the prompt's keys (o) or the prompt itself (p) besides its project, and on its ranking counts (c);
  // the search (s, prompt_search_texts) apart.
  const onPrompt: Sql[] = [];
  let search: string | null = null;
  let readsMessages = false;
  if (query.q) {
    // A search holding the parts' separator (no one types it) is matched against the messages themselves.
    if (query.q.includes(SEARCH_PART_SEPARATOR)) {
      const pattern = likePattern(query.q);
      onPrompt.push(
        sql`(p.external_id ILIKE ${pattern} OR EXISTS (SELECT 1 FROM jsonb_array_elements(p.messages) m WHERE m->>'content' ILIKE ${pattern}))`,
      );
      readsMessages = true;
    } else search = query.q;
  }
  if (query.source) onPrompt.push(sql`o.source = ${query.source}`);
  if (query.type) onPrompt.push(sql`o.prompt_type = ${query.type}`);
  let status: Sql | null = null;
  if (query.status) {
    const project = await queryOne<{ overlapK: number }>(pool(), sql`SELECT overlap_k FROM projects WHERE id = ${projectId}`);
    status = statusSql(query.status, project?.overlapK ?? 0);
  }
  const withoutPrompts = status !== null && onPrompt.length === 0;
  const t = withoutPrompts ? COUNTS_ORDER : KEYS_ORDER;
  const from = withoutPrompts
    ? sql`prompt_ranking_counts c`
    : sql.join(
        [
          sql`prompt_list_keys o`,
          ...(readsMessages ? [sql`JOIN prompts p ON p.id = o.prompt_id`] : []),
          ...(status ? [sql`JOIN prompt_ranking_counts c ON c.prompt_id = o.prompt_id`] : []),
        ],
        sql` `,
      );
  const where = sql.join([sql`${t.projectId} = ${projectId}`, ...onPrompt, ...(status ? [status] : [])], sql` AND `);
  const onlySearch = search !== null && !status && onPrompt.length === 0;
  const facets = queryOne<{ sources: string[] | null; types: string[] | null }>(
    pool(),
    sql`SELECT (${distinctValues(projectId, "source")}) AS sources, (${distinctValues(projectId, "prompt_type")}) AS types`,
  );
  const projectPrompts = () => projectCounts(projectId).then((counts) => counts.get("prompts") ?? 0);
  const matches = (text: string) => sql`strpos(s.body, lower(${text})) > 0`;

  let found: { total: number; totalEstimated: boolean; rows: (page: number) => Promise<PageRow[]>; asked: PageRow[] };
  const estimate = onlySearch ? await estimateSearch(projectId, search!, query.page * perPage, await projectPrompts(), searchTotals) : null;
  if (search !== null && !estimate) {
    // The project's texts read once: the matches, then the other filters, counted and ordered, one page kept.
    // The matches as an array: the planner cannot estimate strpos, and guessing a third of the project
    // it joined every prompt by hash (0.5 s at 100,000) instead of looking up the few matches by id.
    const hits = sql`${t.id} = ANY (ARRAY(SELECT s.prompt_id FROM prompt_search_texts s WHERE s.project_id = ${projectId} AND ${matches(search)}))`;
    const pageOf = (page: number) =>
      sql`SELECT ${t.id} AS id, ${t.sortKey} AS sort_key, ${t.createdAt} AS created_at, count(*) OVER () AS total
            FROM ${from}
           WHERE ${hits} AND ${where}
           ORDER BY ${t.sortKey}, ${t.createdAt}, ${t.id}
           LIMIT ${perPage} OFFSET ${(page - 1) * perPage}`;
    const asked = await rowsOf(pageOf(query.page));
    const total =
      asked.length > 0
        ? Number(asked[0]!.total)
        : query.page === 1
          ? 0
          : (await queryOne<{ total: number }>(pool(), sql`SELECT count(*)::int AS total FROM ${from} WHERE ${hits} AND ${where}`))!.total;
    found = { total, totalEstimated: false, rows: (page) => rowsOf(pageOf(page)), asked };
  } else {
    // The page's ids read in the list's order (an index holds it) until the page is full.
    const conditions =
      search !== null
        ? sql`${where} AND EXISTS (SELECT 1 FROM prompt_search_texts s WHERE s.prompt_id = ${t.id} AND ${matches(search)})`
        : where;
    const pageOf = (page: number) =>
      sql`SELECT ${t.id} AS id, ${t.sortKey} AS sort_key, ${t.createdAt} AS created_at, NULL::bigint AS total
            FROM ${from}
           WHERE ${conditions}
           ORDER BY ${t.sortKey}, ${t.createdAt}, ${t.id}
           LIMIT ${perPage} OFFSET ${(page - 1) * perPage}`;
    const count = (): Promise<number> => {
      if (estimate) return Promise.resolve(estimate.total);
      // No filter: the kept count (lib/projects/project-counts.ts), not a count of the project's prompts.
      if (!status && onPrompt.length === 0) return projectPrompts();
      // An index range: a status alone reads its partial index on prompt_ranking_counts, without the prompts.
      return queryOne<{ total: number }>(pool(), sql`SELECT count(*)::int AS total FROM ${from} WHERE ${where}`).then((r) => r!.total);
    };
    // The count and the page asked for at once.
    const [total, asked] = await Promise.all([count(), rowsOf(pageOf(query.page))]);
    found = { total, totalEstimated: estimate !== null, rows: (page) => rowsOf(pageOf(page)), asked };
  }
  const pages = Math.max(1, Math.ceil(found.total / perPage));
  const page = Math.min(query.page, pages);
  // The page again only if the one asked for was past the last.
  const rows = page === query.page ? found.asked : await found.rows(page);
  const { sources, types } = (await facets) ?? { sources: null, types: null };
  return {
    rows: rows.map(({ total: _total, ...row }) => row),
    total: found.total,
    totalEstimated: found.totalEstimated,
    page,
    pages,
    perPage,
    sources: (sources ?? []).sort(naturalCompare),
    types: (types ?? []).sort(naturalCompare),
  };
}

/**
 * A search alone in a large project: about `sampleRows` of its texts (whole pages of the table, a
 * repeatable sample) tell how common the text is. Common enough that reading prompts in id order
 * fills the page asked for within `walkShare` of the project: its total estimated from the sample.
 * Otherwise (rare, a deep page, a small project): null, and it is counted exactly (one scan of the
 * texts finds the page too, cheaper than probing more than that share of the prompts one by one).
 */
async function estimateSearch(
  projectId: string,
  text: string,
  wanted: number,
  projectPrompts: number,
  t: SearchTotals,
): Promise<{ total: number } | null> {
  if (projectPrompts <= t.exactUpTo) return null;
  const percent = Math.min(100, (100 * t.sampleRows) / projectPrompts);
  const sample = await queryOne<{ seen: number; hits: number }>(
    pool(),
    sql`SELECT count(*)::int AS seen, (count(*) FILTER (WHERE strpos(s.body, lower(${text})) > 0))::int AS hits
          FROM prompt_search_texts s TABLESAMPLE SYSTEM (${percent}::float4) REPEATABLE (0) WHERE s.project_id = ${projectId}`,
  );
  if (!sample || sample.seen === 0 || sample.hits <= t.exactUpToSampleHits) return null;
  const share = sample.hits / sample.seen;
  if (wanted / share > t.walkShare * projectPrompts) return null;
  return { total: Math.round(share * projectPrompts) };
}

/** A list row and, from a search's one scan, the total of its matches. */
type PageRow = PromptListRow & { total: string | null };

/** A page's figures for its rows only (`page`: id, sort_key, created_at, total): computed for every prompt before the limit, they made deep pages take seconds at 100,000 prompts. */
function rowsOf(page: Sql): Promise<PageRow[]> {
  return queryRows<PageRow>(
    pool(),
    sql`WITH page AS (${page})
        SELECT p.id, p.external_id,
            left(coalesce((SELECT m.msg->>'content' FROM jsonb_array_elements(p.messages) WITH ORDINALITY AS m(msg, i) WHERE m.msg->>'role' = 'user' ORDER BY m.i DESC LIMIT 1), ''), 300) AS preview,
            p.source, p.prompt_type, (SELECT count(*)::int FROM completions cc WHERE cc.prompt_id = p.id) AS candidates,
            p.reference_answer IS NOT NULL AS has_reference, c.human_rankings, (proj.overlap_k + p.extra_rankings) AS wanted,
            c.gold_rankings > 0 AS gold, c.judged, ${DISPUTED} AS disputed, page.total
       FROM page JOIN prompts p ON p.id = page.id JOIN prompt_ranking_counts c ON c.prompt_id = p.id JOIN projects proj ON proj.id = p.project_id
      ORDER BY page.sort_key, page.created_at, page.id`,
  );
}
