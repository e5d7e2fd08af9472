import type pg from "pg";
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
 */
export async function resolveExport(client: pg.PoolClient | pg.Pool, config: ExportConfig): Promise<ResolvedProject[]> {
  const { rows: projects } = await client.query<{ id: string; slug: string; name: string }>(
    `SELECT id, slug, name FROM projects WHERE slug = ANY($1)`,
    [config.projects],
  );
  const missing = config.projects.filter((slug) => !projects.some((p) => p.slug === slug));
  if (missing.length) throw invalid(`No project with the slug ${missing.map((s) => `"${s}"`).join(", ")}.`, "projects");
  const byProject = new Map<string, string>();
  if (config.judgeRuns.length) {
    const { rows: runs } = await client.query<{ id: string; project_id: string; kind: string; name: string }>(
      `SELECT id, project_id, kind, name FROM judge_runs WHERE id = ANY($1::uuid[])`,
      [config.judgeRuns],
    );
    for (const id of config.judgeRuns) {
      const run = runs.find((r) => r.id === id);
      if (!run) throw invalid(`No judge run with the id ${id}.`, "judgeRuns");
      if (run.kind !== "JUDGE")
        throw invalid(`Run "${run.name}" generates candidates; it does not rank them. Choose a judge run.`, "judgeRuns");
      if (!projects.some((p) => p.id === run.project_id))
        throw invalid(`Judge run "${run.name}" belongs to another project than the ones exported.`, "judgeRuns");
      if (byProject.has(run.project_id)) throw invalid("Choose at most one judge run per project.", "judgeRuns");
      byProject.set(run.project_id, id);
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
  const ids = projects.map((p) => p.id);
  if (config.strategy === "all-pairs") {
    const { rows } = await client.query<{ n: number | null }>(
      `SELECT max(n)::int AS n FROM (SELECT count(*) AS n FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = ANY($1::uuid[]) GROUP BY c.prompt_id) t`,
      [ids],
    );
    const n = rows[0]?.n ?? 0;
    if (config.margin > n - 1)
      throw invalid(
        `A margin of ${config.margin} ranks is impossible: prompts here have at most ${n} candidates, so the largest rank gap is ${Math.max(0, n - 1)}.`,
        "margin",
      );
  }
  const eligible = await client.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM prompts p
      WHERE p.project_id = ANY($1::uuid[])
        AND (cardinality($2::text[]) = 0 OR p.source = ANY($2))
        AND (cardinality($3::text[]) = 0 OR p.prompt_type = ANY($3))
        AND (NOT $4 OR NOT EXISTS (SELECT 1 FROM rankings g WHERE g.prompt_id = p.id AND g.kind = 'GOLD'))
        AND (EXISTS (SELECT 1 FROM rankings a WHERE a.prompt_id = p.id AND a.kind IN ('ADJUDICATED', 'GOLD'))
             OR ($5 AND (SELECT count(*) FROM rankings h WHERE h.prompt_id = p.id AND h.kind = 'HUMAN') >= greatest($6, 1))
             OR EXISTS (SELECT 1 FROM rankings j WHERE j.prompt_id = p.id AND j.kind = 'JUDGE' AND j.judge_run_id = ANY($7::uuid[])))`,
    [
      ids,
      config.sourceDatasets,
      config.promptTypes,
      config.excludeGold,
      config.source !== "judge",
      config.minHumanRankings,
      config.judgeRuns,
    ],
  );
  if (eligible.rows[0]!.n === 0) {
    throw invalid(
      `Nothing is eligible: no prompt in ${config.projects.join(", ")} has ${config.source === "judge" ? "rankings by the chosen judge run" : `at least ${Math.max(1, config.minHumanRankings)} human ranking(s)${config.judgeRuns.length ? " or judge rankings" : ""}`} within the filters.`,
      "source",
    );
  }
  return config.projects.map((slug) => {
    const p = projects.find((x) => x.slug === slug)!;
    return { id: p.id, slug: p.slug, name: p.name, judgeRun: byProject.get(p.id) ?? null };
  });
}

/** A fingerprint of the exported projects' data: moves with every prompt, candidate and ranking revision. */
export async function exportDataVersion(client: pg.PoolClient, projectIds: string[]): Promise<string> {
  const { rows } = await client.query<{ v: string }>(
    `SELECT md5(string_agg(concat_ws(':', p.id,
        (SELECT count(*) FROM prompts q WHERE q.project_id = p.id),
        (SELECT count(*) FROM completions c JOIN prompts q ON q.id = c.prompt_id WHERE q.project_id = p.id),
        (SELECT count(*) || '/' || coalesce(max(rr.created_at)::text, '') FROM ranking_revisions rr
           JOIN rankings r ON r.id = rr.ranking_id JOIN prompts q ON q.id = r.prompt_id WHERE q.project_id = p.id),
        (SELECT md5(coalesce(string_agg(u.id || u.pseudonym, ',' ORDER BY u.id), '')) FROM users u)), ',' ORDER BY p.id)) AS v
       FROM projects p WHERE p.id = ANY($1::uuid[])`,
    [projectIds],
  );
  return rows[0]!.v;
}
