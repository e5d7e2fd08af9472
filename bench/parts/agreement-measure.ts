import { spawn } from "node:child_process";
import path from "node:path";
import type pg from "pg";
import { REPORT_PROCESS, tsxArgs } from "@/lib/process/node-commands";

export interface AgreementFigures {
  /** Full report, load + compute, no cache (median of the repeats). */
  reportSeconds: number;
  loadSeconds: number;
  computeSeconds: number;
  /** The dashboard answering from the stored report (median of 10). */
  dashboardMs: number;
  /** The first dashboard request right after new rankings were added: the stored report, labelled stale, a refresh enqueued. */
  dashboardFirstMs: number;
  /** The first view with no report yet: answered at once, a computation enqueued. */
  emptyMs: number;
  /** The worker's refresh job (load, compute, store), run here. */
  refreshSeconds: number;
  /** The headline figures, to see the report is the real one. */
  summary: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/**
 * The agreement report of a project and its dashboard (the page's one data call,
 * lib/agreement/project-agreement.ts). `clinicianPrefix`: the project's clinicians' emails start
 * with it (bench/ranked-project.ts); one of them adds a ranking to make the stored report stale.
 */
export async function measureAgreement(
  pool: pg.Pool,
  options: { projectId: string; slug: string; clinicianPrefix: string; repeats: number },
): Promise<AgreementFigures> {
  const { dashboardAgreement, runAgreementRefresh } = await import("@/lib/agreement/project-agreement");
  const { startQueue } = await import("@/lib/jobs/queue");
  const { projectId, slug } = options;
  const { loads, computes, summary } = await timeReports(projectId, options.repeats);

  const empty = performance.now();
  const none = await dashboardAgreement(startQueue, slug);
  const emptyMs = performance.now() - empty;
  if (none.stored || none.refresh?.phase !== "queued") throw new Error("the first dashboard view did not ask for a computation");
  const refreshed = performance.now();
  if ((await runAgreementRefresh(projectId, "{}")) !== "computed") throw new Error("the refresh did not compute the report");
  const refreshSeconds = (performance.now() - refreshed) / 1000;
  const warm: number[] = [];
  for (let i = 0; i < 10; i++) {
    const t = performance.now();
    const answer = await dashboardAgreement(startQueue, slug);
    if (!answer.stored || answer.refresh) throw new Error("the dashboard did not answer from the stored report");
    warm.push(performance.now() - t);
  }
  // New rankings arrive (one more clinician ranking of a prompt), and the last check is a minute old:
  // the next view serves the stored, now stale, report and enqueues a refresh (its slowest path).
  await pool.query(
    `WITH p AS (SELECT id FROM prompts WHERE project_id = $1 ORDER BY id LIMIT 1),
          u AS (SELECT id FROM users WHERE email LIKE $2 || '-c%' AND id NOT IN (SELECT rater_id FROM rankings WHERE prompt_id = (SELECT id FROM p) AND rater_id IS NOT NULL) LIMIT 1),
          r AS (INSERT INTO rankings (prompt_id, kind, rater_id) SELECT p.id, 'HUMAN', u.id FROM p, u RETURNING id, rater_id, prompt_id),
          rr AS (INSERT INTO ranking_revisions (ranking_id, revision, author_id, time_on_task_ms, shown_order) SELECT id, 1, rater_id, 60000, '{}' FROM r RETURNING id)
     INSERT INTO ranking_entries (revision_id, completion_id, rank, shown_position)
     SELECT rr.id, c.id, c.position + 1, c.position FROM rr, completions c WHERE c.prompt_id = (SELECT id FROM p)`,
    [projectId, options.clinicianPrefix],
  );
  await pool.query(`UPDATE agreement_reports SET checked_at = now() - interval '1 minute' WHERE project_id = $1`, [projectId]);
  const first = performance.now();
  const stale = await dashboardAgreement(startQueue, slug);
  const dashboardFirstMs = performance.now() - first;
  if (!stale.stored || stale.refresh?.phase !== "queued")
    throw new Error("the first view after new rankings did not serve the stored report");
  if ((await runAgreementRefresh(projectId, "{}")) !== "computed") throw new Error("new rankings did not lead to a new report");

  return {
    reportSeconds: median(loads.map((l, i) => l + computes[i]!)),
    loadSeconds: median(loads),
    computeSeconds: median(computes),
    dashboardMs: median(warm),
    dashboardFirstMs,
    emptyMs,
    refreshSeconds,
    summary,
  };
}

/**
 * Load + compute of the report, `repeats` times, in a process started as the app starts its report
 * process (bench/agreement-child.ts with REPORT_PROCESS's flags, scripts/agreement-report.ts's code path).
 */
async function timeReports(projectId: string, repeats: number): Promise<{ loads: number[]; computes: number[]; summary: string }> {
  const child = spawn(
    process.execPath,
    tsxArgs(path.join(import.meta.dirname, "..", "agreement-child.ts"), [projectId, String(repeats)], REPORT_PROCESS),
    { env: { ...process.env, LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`the agreement report process failed (exit ${code})`);
  return JSON.parse(stdout.trim().split("\n").at(-1)!) as { loads: number[]; computes: number[]; summary: string };
}
