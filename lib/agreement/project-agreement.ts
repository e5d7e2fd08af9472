import "server-only";
import { z } from "zod";
import { agreementReport, type AgreementReport } from "@/lib/agreement/agreement-report";
import { loadReportData, type ReportFilter } from "@/lib/agreement/load-report-data";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";

/** The dashboard's filters, as they arrive from a query string or the CLI. */
export const reportFilterSchema = z
  .object({
    from: z.iso.date("a date as YYYY-MM-DD").nullish(),
    to: z.iso.date("a date as YYYY-MM-DD").nullish(),
    annotatorIds: z.array(z.uuid("an annotator id")).max(200).optional(),
    runIds: z.array(z.uuid("a judge run id")).max(50).optional(),
  })
  .refine((f) => !f.from || !f.to || f.from <= f.to, { message: "the start date must not be after the end date", path: ["from"] });

/** The same filter always gives the same key (arrays sorted, empty parts dropped). */
export function filterKey(filter: ReportFilter): string {
  const key: Record<string, unknown> = {};
  if (filter.from) key.from = filter.from;
  if (filter.to) key.to = filter.to;
  if (filter.annotatorIds?.length) key.annotatorIds = [...filter.annotatorIds].sort();
  if (filter.runIds?.length) key.runIds = [...filter.runIds].sort();
  return JSON.stringify(key);
}

/** Bumped whenever the report's shape changes, so a cached report of the old shape is recomputed. */
const REPORT_FORMAT = 2;

/**
 * What the report depends on, in one cheap query: prompts and candidates, every ranking revision
 * (revisions are append-only, so count + latest time changes with every submission, revision,
 * import or judge result), judge runs and rater names. Equal version ⇒ the cached report holds.
 */
async function dataVersion(projectId: string): Promise<string> {
  const row = await queryOne<{ version: string }>(
    pool(),
    sql`SELECT concat_ws(':', ${REPORT_FORMAT}::int,
        (SELECT count(*) FROM prompts WHERE project_id = ${projectId}),
        (SELECT count(*) FROM completions c JOIN prompts p ON p.id = c.prompt_id WHERE p.project_id = ${projectId}),
        x.revisions, x.latest, x.rankings,
        (SELECT count(*) || '/' || coalesce(max(created_at)::text, '') FROM judge_runs WHERE project_id = ${projectId}),
        (SELECT coalesce(max(updated_at)::text, '') FROM users)) AS version
       FROM (SELECT count(rr.id) AS revisions, coalesce(max(rr.created_at)::text, '') AS latest, count(DISTINCT r.id) AS rankings
               FROM rankings r JOIN prompts p ON p.id = r.prompt_id JOIN ranking_revisions rr ON rr.ranking_id = r.id
              WHERE p.project_id = ${projectId}) x`,
  );
  // The report's shape is part of its version: a report cached by older code is computed again.
  return `${REPORT_SHAPE}:${row!.version}`;
}

/** Bump when the report's contents change for the same data (e.g. a figure added or its rule changed). */
const REPORT_SHAPE = "judge-truth-1";

export interface ProjectAgreement {
  project: { id: string; slug: string; name: string };
  report: AgreementReport;
  computedAt: Date;
  computeMs: number;
  fromCache: boolean;
}

async function projectBySlug(slug: string) {
  const project = await queryOne<{ id: string; slug: string; name: string }>(
    pool(),
    sql`SELECT id, slug, name FROM projects WHERE slug = ${slug}`,
  );
  if (!project) throw new AppError("NOT_FOUND", `No project with the slug "${slug}".`);
  return project;
}

/** Loads and computes the report now, without the cache (the CLI and the benchmark). */
export async function computeAgreementReport(
  projectId: string,
  filter: ReportFilter = {},
): Promise<{ report: AgreementReport; computeMs: number }> {
  const started = performance.now();
  // Through JSON once, so a fresh report looks exactly like a cached one (undefined figures are null).
  const report = JSON.parse(
    JSON.stringify(agreementReport(await loadReportData(projectId, filter), { seed: projectId })),
  ) as AgreementReport;
  return { report, computeMs: Math.round(performance.now() - started) };
}

/**
 * The project's agreement report for a filter: served from `agreement_reports` while the data
 * version is unchanged, computed and stored otherwise (the worker also refreshes stale
 * whole-project reports in the background, so the dashboard rarely waits for a computation).
 */
export async function projectAgreement(slug: string, filter: ReportFilter = {}): Promise<ProjectAgreement> {
  const project = await projectBySlug(slug);
  const key = filterKey(filter);
  const version = await dataVersion(project.id);
  const cached = await queryOne<{ report: AgreementReport; computedAt: Date; computeMs: number }>(
    pool(),
    sql`SELECT report, computed_at, compute_ms FROM agreement_reports
         WHERE project_id = ${project.id} AND filter_key = ${key} AND data_version = ${version}`,
  );
  if (cached) return { project, report: cached.report, computedAt: cached.computedAt, computeMs: cached.computeMs, fromCache: true };
  const { report, computeMs } = await computeAgreementReport(project.id, filter);
  const stored = await queryOne<{ computedAt: Date }>(
    pool(),
    sql`INSERT INTO agreement_reports (project_id, filter_key, data_version, report, compute_ms)
        VALUES (${project.id}, ${key}, ${version}, ${JSON.stringify(report)}, ${computeMs})
     ON CONFLICT (project_id, filter_key) DO UPDATE SET data_version = EXCLUDED.data_version, report = EXCLUDED.report, compute_ms = EXCLUDED.compute_ms, computed_at = now()
     RETURNING computed_at`,
  );
  return { project, report, computedAt: stored!.computedAt, computeMs, fromCache: false };
}

/** Recomputes the whole-project reports whose data changed (the worker calls this now and then). */
export async function refreshStaleAgreementReports(): Promise<number> {
  const rows = await queryRows<{ slug: string }>(
    pool(),
    sql`SELECT p.slug FROM projects p WHERE EXISTS (SELECT 1 FROM prompts x JOIN rankings r ON r.prompt_id = x.id WHERE x.project_id = p.id)`,
  );
  let refreshed = 0;
  for (const { slug } of rows) {
    const result = await projectAgreement(slug, {});
    if (!result.fromCache) refreshed += 1;
  }
  return refreshed;
}
