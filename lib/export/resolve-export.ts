import "server-only";
import type pg from "pg";
import { RankingKind, RunKind } from "@/generated/prisma/enums";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import type { ExportConfig } from "@/lib/export/export-config";

export interface ResolvedProject {
  id: string;
  slug: string;
  name: string;
  /** The configured judge run of this project (null for "humans", or when none is given). */
  judgeRun: string | null;
}

const invalid = (message: string, field: string) => new AppError("INVALID_INPUT", message, field);

/**
 * Checks an export configuration against the database before any work: projects and judge runs
 * exist and belong together, the margin fits the candidates, and something is eligible.
 * `{ checkRows: false }` (the build, after validateExportConfig checked them) resolves the projects
 * and judge runs only: the margin's and eligibility's scans over every prompt (seconds at 100,000
 * prompts) ran a second time, and the build reports a package without rows itself.
 */
export async function resolveExport(
  client: pg.PoolClient | pg.Pool,
  config: ExportConfig,
  { checkRows = true }: { checkRows?: boolean } = {},
): Promise<ResolvedProject[]> {
  const projects = await queryRows<{ id: string; slug: string; name: string }>(
    client,
    sql`SELECT id, slug, name FROM projects WHERE slug = ANY(${config.projects})`,
  );
  const missing = config.projects.filter((slug) => !projects.some((p) => p.slug === slug));
  if (missing.length) throw invalid(`No project with the slug ${missing.map((s) => `"${s}"`).join(", ")}.`, "projects");
  const byProject = new Map<string, string>();
  if (config.judgeRuns.length) {
    const runs = await queryRows<{ id: string; projectId: string; kind: RunKind; name: string }>(
      client,
      sql`SELECT id, project_id, kind, name FROM judge_runs WHERE id = ANY(${config.judgeRuns}::uuid[])`,
    );
    for (const id of config.judgeRuns) {
      const run = runs.find((r) => r.id === id);
      if (!run) throw invalid(`No judge run with the id ${id}.`, "judgeRuns");
      if (run.kind !== RunKind.JUDGE)
        throw invalid(`Run "${run.name}" generates candidates; it does not rank them. Choose a judge run.`, "judgeRuns");
      if (!projects.some((p) => p.id === run.projectId))
        throw invalid(`Judge run "${run.name}" belongs to another project than the ones exported.`, "judgeRuns");
      if (byProject.has(run.projectId)) throw invalid("Choose at most one judge run per project.", "judgeRuns");
      byProject.set(run.projectId, id);
    }
    if (config.source === "judge") {
      const without = projects.filter((p) => !byProject.has(p.id));
      if (without.length)
        throw invalid(
          `The source "judge" needs a judge run of every project; none given for ${without.map((p) => p.slug).join(", ")}.`,
          "judgeRuns",
        );
    }
  }
  const resolved = config.projects.map((slug) => {
    const p = projects.find((x) => x.slug === slug)!;
    return { id: p.id, slug: p.slug, name: p.name, judgeRun: byProject.get(p.id) ?? null };
  });
  if (!checkRows) return resolved;
  const ids = projects.map((p) => p.id);
  if (config.strategy === "all-pairs") {
    const most = await queryOne<{ n: number | null }>(
      client,
      sql`SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = ANY(${ids}::uuid[]) GROUP BY c.prompt_id) t`,
    );
    const n = most?.n ?? 0;
    if (config.margin > n - 1)
      throw invalid(
        `A margin of ${config.margin} ranks is impossible: prompts here have at most ${n} candidates, so the largest rank gap is ${Math.max(0, n - 1)}.`,
        "margin",
      );
  }
  const { HUMAN, JUDGE, GOLD, ADJUDICATED } = RankingKind;
  const eligible = await queryOne<{ n: number }>(
    client,
    sql`SELECT count(*)::int AS n FROM prompts p
      WHERE p.project_id = ANY(${ids}::uuid[])
        AND (cardinality(${config.sourceDatasets}::text[]) = 0 OR p.source = ANY(${config.sourceDatasets}::text[]))
        AND (cardinality(${config.promptTypes}::text[]) = 0 OR p.prompt_type = ANY(${config.promptTypes}::text[]))
        AND (NOT ${config.excludeGold}::boolean OR NOT EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = p.id AND g.kind = ${GOLD}))
        AND (EXISTS (SELECT 1 FROM rankings a WHERE a.prompt_id = p.id AND a.kind IN (${ADJUDICATED}, ${GOLD}))
             OR (${config.source !== "judge"}::boolean AND (SELECT count(*) FROM rankings h WHERE h.prompt_id = p.id AND h.kind = ${HUMAN}) >= greatest(${config.minHumanRankings}::int, 1))
             OR EXISTS (SELECT 1 FROM rankings j WHERE j.prompt_id = p.id AND j.kind = ${JUDGE} AND j.judge_run_id = ANY(${config.judgeRuns}::uuid[])))`,
  );
  if (eligible!.n === 0) {
    throw invalid(
      `Nothing is eligible: no prompt in ${config.projects.join(", ")} has ${config.source === "judge" ? "rankings by the chosen judge run" : `at least ${Math.max(1, config.minHumanRankings)} human ranking(s)${config.judgeRuns.length ? " or judge rankings" : ""}`} within the filters.`,
      "source",
    );
  }
  return resolved;
}

/**
 * A fingerprint of the exported projects' data: moves with every prompt, candidate, ranking revision
 * and critique span (spans come with revisions, but a span stored on its own must move it too).
 */
export async function exportDataVersion(client: pg.PoolClient, projectIds: string[]): Promise<string> {
  const row = await queryOne<{ v: string }>(
    client,
    sql`SELECT md5(string_agg(concat_ws(':', p.id,
        (SELECT count(*) FROM prompts q WHERE q.project_id = p.id),
        (SELECT count(*) FROM completions c JOIN prompts q ON q.id = c.prompt_id WHERE q.project_id = p.id),
        (SELECT count(*) || '/' || coalesce(max(rr.created_at)::text, '') FROM ranking_revisions rr
           JOIN rankings r ON r.id = rr.ranking_id JOIN prompts q ON q.id = r.prompt_id WHERE q.project_id = p.id),
        (SELECT count(*) FROM critique_spans s JOIN completions c ON c.id = s.completion_id JOIN prompts q ON q.id = c.prompt_id WHERE q.project_id = p.id),
        (SELECT md5(coalesce(string_agg(u.id || u.pseudonym, ',' ORDER BY u.id), '')) FROM users u)), ',' ORDER BY p.id)) AS v
       FROM projects p WHERE p.id = ANY(${projectIds}::uuid[])`,
  );
  return row!.v;
}
