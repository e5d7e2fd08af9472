import "server-only";
import { z } from "zod";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql, type Sql } from "@/lib/db/sql";
import { naturalCompare, naturalSortSql } from "@/lib/projects/natural-sort";
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
  total: number;
  page: number;
  pages: number;
  perPage: number;
  sources: string[];
  types: string[];
}

// Per prompt, kept by triggers: in prompt_ranking_counts (alias c, migration 20261130183322_prompt_ranking_counts)
// its human, gold and adjudicated rankings and whether clinicians disagree on the best candidate (the
// latest revisions' rank-1 sets differ); on prompts whether a judge ranked it. Disputed means no
// adjudicated ranking yet.
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
      return sql`p.judged`;
  }
};
/** Whether a status reads prompt_ranking_counts (the rest of the list's filters read prompts). */
const readsCounts = (status: PromptStatus | undefined) => status !== undefined && status !== "judged";

/**
 * A column's distinct values in a project, read by skipping through its (project_id, column, …)
 * index from one value to the next: a few index probes per value, not a pass over every prompt.
 */
function distinctValues(projectId: string, column: "source" | "prompt_type"): Sql {
  const c = sql.unsafe(column);
  return sql`WITH RECURSIVE v AS (
      (SELECT ${c} AS value FROM prompts WHERE project_id = ${projectId} AND ${c} IS NOT NULL ORDER BY ${c} LIMIT 1)
      UNION ALL
      SELECT (SELECT ${c} FROM prompts WHERE project_id = ${projectId} AND ${c} > v.value ORDER BY ${c} LIMIT 1) FROM v WHERE v.value IS NOT NULL)
    SELECT array_agg(value) FROM v WHERE value IS NOT NULL`;
}

const likePattern = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
/** Between the id and each message in prompt_search_texts.body: a search without it never spans two parts. */
const SEARCH_PART_SEPARATOR = "\u001e";

/**
 * One page of a project's prompts, filtered in the database (text in the id or any message,
 * source, type, status) and sorted by id in natural order (q2 before q10), then by import time.
 */
export async function listPrompts(projectId: string, query: PromptListQuery, perPage = PROMPTS_PER_PAGE): Promise<PromptList> {
  // Conditions on the prompt (p), its search text (s, prompt_search_texts) and its ranking counts (c).
  const onPrompt: Sql[] = [sql`p.project_id = ${projectId}`];
  let search: Sql | null = null;
  if (query.q) {
    const pattern = likePattern(query.q);
    // The kept text lowercased as ILIKE lowers (migration 20261130184102_prompt_search_texts); a search
    // holding the parts' separator (no one types it) is matched against the messages themselves.
    if (query.q.includes(SEARCH_PART_SEPARATOR))
      onPrompt.push(
        sql`(p.external_id ILIKE ${pattern} OR EXISTS (SELECT 1 FROM jsonb_array_elements(p.messages) m WHERE m->>'content' ILIKE ${pattern}))`,
      );
    else search = sql`s.body LIKE lower(${pattern})`;
  }
  if (query.source) onPrompt.push(sql`p.source = ${query.source}`);
  if (query.type) onPrompt.push(sql`p.prompt_type = ${query.type}`);
  let status: Sql | null = null;
  if (query.status) {
    const project = await queryOne<{ overlapK: number }>(pool(), sql`SELECT overlap_k FROM projects WHERE id = ${projectId}`);
    status = statusSql(query.status, project?.overlapK ?? 0);
  }
  const withCounts = readsCounts(query.status);
  const from = sql.join(
    [
      sql`prompts p`,
      ...(search ? [sql`JOIN prompt_search_texts s ON s.prompt_id = p.id`] : []),
      ...(withCounts ? [sql`JOIN prompt_ranking_counts c ON c.prompt_id = p.id`] : []),
    ],
    sql` `,
  );
  const where = sql.join([...onPrompt, ...(search ? [search] : []), ...(status ? [status] : [])], sql` AND `);
  const count = (): Promise<number> => {
    const onlyProject = onPrompt.length === 1;
    // No filter: the kept count (lib/projects/project-counts.ts), not a count of the project's prompts.
    if (!status && !search && onlyProject) return projectCounts(projectId).then((counts) => counts.get("prompts") ?? 0);
    // A search or a status alone: its own narrow table, without the prompts.
    const counted =
      search && !status && onlyProject
        ? sql`SELECT count(*)::int AS total FROM prompt_search_texts s WHERE s.project_id = ${projectId} AND ${search}`
        : status && withCounts && !search && onlyProject
          ? sql`SELECT count(*)::int AS total FROM prompt_ranking_counts c WHERE c.project_id = ${projectId} AND ${status}`
          : sql`SELECT count(*)::int AS total FROM ${from} WHERE ${where}`;
    return queryOne<{ total: number }>(pool(), counted).then((r) => r!.total);
  };
  // The page's ids first (an index holds the order), then its figures for those rows only:
  // computed for every prompt before the limit, they made deep pages take seconds at 100,000 prompts.
  const pageRows = (page: number) =>
    queryRows<PromptListRow>(
      pool(),
      sql`WITH page AS (
          SELECT p.id, ${sql.unsafe(naturalSortSql("p.external_id"))} AS sort_key, p.created_at
            FROM ${from}
           WHERE ${where}
           ORDER BY ${sql.unsafe(naturalSortSql("p.external_id"))}, p.created_at, p.id
           LIMIT ${perPage} OFFSET ${(page - 1) * perPage})
        SELECT p.id, p.external_id,
            left(coalesce((SELECT m.msg->>'content' FROM jsonb_array_elements(p.messages) WITH ORDINALITY AS m(msg, i) WHERE m.msg->>'role' = 'user' ORDER BY m.i DESC LIMIT 1), ''), 300) AS preview,
            p.source, p.prompt_type, (SELECT count(*)::int FROM completions cc WHERE cc.prompt_id = p.id) AS candidates,
            p.reference_answer IS NOT NULL AS has_reference, c.human_rankings, (proj.overlap_k + p.extra_rankings) AS wanted,
            c.gold_rankings > 0 AS gold, p.judged, ${DISPUTED} AS disputed
       FROM page JOIN prompts p ON p.id = page.id JOIN prompt_ranking_counts c ON c.prompt_id = p.id JOIN projects proj ON proj.id = p.project_id
      ORDER BY page.sort_key, page.created_at, page.id`,
    );
  // The count, the facets and the page asked for at once; the page again only if it was past the last.
  const [total, facets, asked] = await Promise.all([
    count(),
    queryOne<{ sources: string[] | null; types: string[] | null }>(
      pool(),
      sql`SELECT (${distinctValues(projectId, "source")}) AS sources, (${distinctValues(projectId, "prompt_type")}) AS types`,
    ),
    pageRows(query.page),
  ]);
  const pages = Math.max(1, Math.ceil(total / perPage));
  const page = Math.min(query.page, pages);
  const rows = page === query.page ? asked : await pageRows(page);
  return {
    rows,
    total,
    page,
    pages,
    perPage,
    sources: (facets?.sources ?? []).sort(naturalCompare),
    types: (facets?.types ?? []).sort(naturalCompare),
  };
}
