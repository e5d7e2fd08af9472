import "server-only";
import type PgBoss from "pg-boss";
import { z } from "zod";
import type { AgreementReport } from "@/lib/agreement/agreement-report";
import type { ReportFilter } from "@/lib/agreement/load-report-data";
import { computeReportInChildProcess } from "@/lib/agreement/report-process";
import type { RefreshPhaseName } from "@/lib/agreement/report-age";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { agreementReportJob } from "@/lib/jobs/jobs";

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
const REPORT_SHAPE = "normal-bootstrap-2";

export interface ProjectAgreement {
  project: { id: string; slug: string; name: string };
  report: AgreementReport;
  computedAt: Date;
  computeMs: number;
  fromCache: boolean;
}

export async function projectBySlug(slug: string) {
  const project = await queryOne<{ id: string; slug: string; name: string }>(
    pool(),
    sql`SELECT id, slug, name FROM projects WHERE slug = ${slug}`,
  );
  if (!project) throw new AppError("NOT_FOUND", `No project with the slug "${slug}".`);
  return project;
}

/** Loads and computes the report now, without the cache, in a child process (lib/agreement/report-process.ts). */
export async function computeAgreementReport(
  projectId: string,
  filter: ReportFilter = {},
): Promise<{ report: AgreementReport; computeMs: number }> {
  const started = performance.now();
  // Through JSON (from the child process), so a fresh report looks exactly like a cached one (undefined figures are null).
  const report = await computeReportInChildProcess(projectId, filter);
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
     ON CONFLICT (project_id, filter_key) DO UPDATE SET data_version = EXCLUDED.data_version, report = EXCLUDED.report, compute_ms = EXCLUDED.compute_ms, computed_at = now(), checked_at = now()
     RETURNING computed_at`,
  );
  return { project, report, computedAt: stored!.computedAt, computeMs, fromCache: false };
}

/** What a background refresh is doing (stored in `agreement_refreshes.phase`). */
export type RefreshPhase = RefreshPhaseName;

export interface AgreementRefreshState {
  phase: RefreshPhase;
  requestedAt: Date;
  startedAt: Date | null;
}

/** What the dashboard shows: the last stored report (whatever its age) and the refresh under way, if any. */
export interface DashboardAgreement {
  project: { id: string; slug: string; name: string };
  stored: { report: AgreementReport; computedAt: Date; computeMs: number; checkedAt: Date } | null;
  refresh: AgreementRefreshState | null;
  /** When the dashboard was answered (ages are shown relative to it). */
  now: Date;
}

/** A dashboard asks the worker to check its report again at most this often (the schedule checks every minute anyway). */
export const CHECK_AFTER_SECONDS = 15;

/** A refresh asked for this long ago and not finished (a worker died) may be asked for again. */
const ABANDONED_AFTER = "15 minutes";

/**
 * Asks the worker for one refresh of the project's report for the filter, unless one is pending:
 * the `agreement_refreshes` row is the single-flight ticket (concurrent callers: one inserts it,
 * the others see it). Returns whether this call enqueued the job.
 */
export async function requestAgreementRefresh(boss: PgBoss, projectId: string, filter: ReportFilter = {}): Promise<boolean> {
  const key = filterKey(filter);
  const ticket = await queryOne<{ filterKey: string }>(
    pool(),
    sql`INSERT INTO agreement_refreshes (project_id, filter_key, filter) VALUES (${projectId}, ${key}, ${JSON.stringify(filter)})
        ON CONFLICT (project_id, filter_key) DO UPDATE SET phase = 'queued', requested_at = now(), started_at = NULL
         WHERE agreement_refreshes.requested_at < now() - ${ABANDONED_AFTER}::interval
        RETURNING filter_key`,
  );
  if (!ticket) return false;
  try {
    await agreementReportJob.send(boss, { projectId, filterKey: key });
  } catch (error) {
    await execute(pool(), sql`DELETE FROM agreement_refreshes WHERE project_id = ${projectId} AND filter_key = ${key}`);
    throw error;
  }
  return true;
}

/**
 * The dashboard's answer, never waiting for a computation: the stored report (any age) and the
 * refresh under way. With no report, or one not checked for CHECK_AFTER_SECONDS, it asks the
 * worker for a refresh (which recomputes only when the data version changed).
 */
export async function dashboardAgreement(
  boss: () => Promise<PgBoss>,
  slug: string,
  filter: ReportFilter = {},
): Promise<DashboardAgreement> {
  const project = await projectBySlug(slug);
  const key = filterKey(filter);
  const row = await queryOne<{
    report: AgreementReport | null;
    computedAt: Date | null;
    computeMs: number | null;
    checkedAt: Date | null;
    checkDue: boolean;
    phase: RefreshPhase | null;
    requestedAt: Date | null;
    startedAt: Date | null;
    now: Date;
  }>(
    pool(),
    sql`SELECT r.report, r.computed_at, r.compute_ms, r.checked_at,
               coalesce(r.checked_at < now() - ${CHECK_AFTER_SECONDS} * interval '1 second', true) AS check_due,
               f.phase, f.requested_at, f.started_at, now() AS now
          FROM (SELECT 1) one
          LEFT JOIN agreement_reports r ON r.project_id = ${project.id} AND r.filter_key = ${key}
          LEFT JOIN agreement_refreshes f ON f.project_id = ${project.id} AND f.filter_key = ${key}`,
  );
  const stored =
    row!.report && row!.computedAt && row!.checkedAt
      ? { report: row!.report, computedAt: row!.computedAt, computeMs: row!.computeMs ?? 0, checkedAt: row!.checkedAt }
      : null;
  let refresh: AgreementRefreshState | null = row!.phase
    ? { phase: row!.phase, requestedAt: row!.requestedAt!, startedAt: row!.startedAt }
    : null;
  if (!refresh && row!.checkDue && (await requestAgreementRefresh(await boss(), project.id, filter)))
    refresh = { phase: "queued", requestedAt: row!.now, startedAt: null };
  return { project, stored, refresh, now: row!.now };
}

export type RefreshOutcome = "computed" | "unchanged" | "busy" | "not-requested";

/**
 * Runs the refresh asked for by `requestAgreementRefresh` (the worker's job). Under a session
 * advisory lock per project and filter, so two workers never compute the same report at once;
 * the data version is read first, and the report recomputed only when it differs from the stored one.
 */
export async function runAgreementRefresh(projectId: string, key: string): Promise<RefreshOutcome> {
  const client = await pool().connect();
  const lock = `agreement-report:${projectId}:${key}`;
  try {
    const locked = await queryOne<{ locked: boolean }>(client, sql`SELECT pg_try_advisory_lock(hashtextextended(${lock}, 0)) AS locked`);
    if (!locked?.locked) return "busy";
    try {
      const ticket = await queryOne<{ filter: ReportFilter }>(
        pool(),
        sql`UPDATE agreement_refreshes SET phase = 'checking', started_at = now()
             WHERE project_id = ${projectId} AND filter_key = ${key} RETURNING filter`,
      );
      if (!ticket) return "not-requested";
      const phase = (name: RefreshPhase) =>
        execute(pool(), sql`UPDATE agreement_refreshes SET phase = ${name} WHERE project_id = ${projectId} AND filter_key = ${key}`);
      const done = sql`DELETE FROM agreement_refreshes WHERE project_id = ${projectId} AND filter_key = ${key}`;
      try {
        const version = await dataVersion(projectId);
        const unchanged = await execute(
          pool(),
          sql`UPDATE agreement_reports SET checked_at = now()
               WHERE project_id = ${projectId} AND filter_key = ${key} AND data_version = ${version}`,
        );
        if (unchanged > 0) {
          await execute(pool(), done);
          return "unchanged";
        }
        const started = performance.now();
        await phase("loading");
        let computing: Promise<unknown> = Promise.resolve();
        const markComputing = () => {
          computing = phase("computing");
          // Awaited once the child is done; handled now so a failed update cannot reject unhandled meanwhile.
          computing.catch(() => undefined);
        };
        const report = JSON.stringify(await computeReportInChildProcess(projectId, ticket.filter, markComputing));
        await computing;
        await phase("storing");
        const computeMs = Math.round(performance.now() - started);
        await withTransaction(async (tx) => {
          await execute(
            tx,
            sql`INSERT INTO agreement_reports (project_id, filter_key, data_version, report, compute_ms)
                VALUES (${projectId}, ${key}, ${version}, ${report}, ${computeMs})
             ON CONFLICT (project_id, filter_key) DO UPDATE SET data_version = EXCLUDED.data_version, report = EXCLUDED.report,
                compute_ms = EXCLUDED.compute_ms, computed_at = now(), checked_at = now()`,
          );
          await execute(tx, done);
        });
        return "computed";
      } catch (error) {
        // A failed refresh frees its ticket: the next view or tick asks again.
        await execute(pool(), done);
        throw error;
      }
    } finally {
      await queryOne(client, sql`SELECT pg_advisory_unlock(hashtextextended(${lock}, 0))`);
    }
  } finally {
    client.release();
  }
}

/** Asks for a refresh of every whole-project report with rankings (the worker's schedule; unchanged ones are only checked). */
export async function requestWholeProjectRefreshes(boss: PgBoss): Promise<number> {
  const rows = await queryRows<{ id: string }>(
    pool(),
    sql`SELECT p.id FROM projects p WHERE EXISTS (SELECT 1 FROM prompts x JOIN rankings r ON r.prompt_id = x.id WHERE x.project_id = p.id)`,
  );
  let requested = 0;
  for (const { id } of rows) if (await requestAgreementRefresh(boss, id, {})) requested += 1;
  return requested;
}
