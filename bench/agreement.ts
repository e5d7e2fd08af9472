// `npm run bench:agreement [-- --prompts 10000] [--json]`: a project of N prompts × 8 candidates
// with 3 clinician rankings each and one judge run (2 permutations) on a throwaway database; times
// the full agreement report (load + compute, no cache) and the dashboard's answer, which never
// computes: the stored report (`dashboardMs`), and the first request right after new rankings were
// added (`dashboardFirstMs`: still the stored report, labelled stale, with a refresh enqueued).
export {};
process.env.LOG_LEVEL ??= "warn";
// The dashboard runs in the web server, whose queue only enqueues (no supervision or cron).
process.env.MEDPREF_PROCESS ??= "web";
import { generateRankedProject } from "./ranked-project";
import { benchArgs, benchDatabase } from "./support";

const args = benchArgs({ prompts: "10000", repeats: "3" });
const promptCount = Number(args.prompts);
const repeats = Number(args.repeats);
const log = (line: string) => {
  if (!args.json) process.stdout.write(line + "\n");
};

const database = await benchDatabase();
process.env.MEDPREF_DATABASE_URL = database.url;
const { pool, closePool } = await import("@/lib/db/pool");
const { disconnectPrisma } = await import("@/lib/db/prisma");
const { loadReportData } = await import("@/lib/agreement/load-report-data");
const { agreementReport } = await import("@/lib/agreement/agreement-report");
const { dashboardAgreement, runAgreementRefresh } = await import("@/lib/agreement/project-agreement");
const { startQueue, stopQueue } = await import("@/lib/jobs/queue");

log(`Generating ${promptCount} prompts × 8 candidates × 3 clinician rankings + 1 judge run (P = 2)…`);
const generated = performance.now();
const { projectId } = await generateRankedProject(pool(), {
  slug: "bench-agreement",
  name: "Agreement benchmark",
  prompts: promptCount,
  judgePermutations: 2,
});
log(`  generated in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const loads: number[] = [];
const computes: number[] = [];
let summary = "";
for (let i = 0; i < repeats; i++) {
  const t0 = performance.now();
  const data = await loadReportData(projectId);
  const t1 = performance.now();
  const report = agreementReport(data, { seed: projectId });
  const t2 = performance.now();
  loads.push((t1 - t0) / 1000);
  computes.push((t2 - t1) / 1000);
  summary = `humans: pairwise agreement ${report.humanHuman.pairwiseAgreement?.toFixed(3)}, alpha ${report.humanHuman.krippendorffAlphaOrdinal?.toFixed(3)}, W ${report.humanHuman.kendallW?.toFixed(3)}; judge vs consensus tau-b ${report.judges[0]?.vsConsensus.kendallTauB?.toFixed(3)}`;
  log(`  report ${i + 1}: load ${loads.at(-1)!.toFixed(2)} s + compute ${computes.at(-1)!.toFixed(2)} s`);
}
const reportSeconds = median(loads.map((l, i) => l + computes[i]!));

// The dashboard (the page's one data call, lib/agreement/project-agreement.ts `dashboardAgreement`).
// First view with no stored report: answered at once ("being computed"), one refresh enqueued.
const empty = performance.now();
const none = await dashboardAgreement(startQueue, "bench-agreement");
const emptyMs = performance.now() - empty;
if (none.stored || none.refresh?.phase !== "queued") throw new Error("the first dashboard view did not ask for a computation");
// The worker's job, run here.
const refreshed = performance.now();
if ((await runAgreementRefresh(projectId, "{}")) !== "computed") throw new Error("the refresh did not compute the report");
const refreshSeconds = (performance.now() - refreshed) / 1000;
const warm: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  const answer = await dashboardAgreement(startQueue, "bench-agreement");
  if (!answer.stored || answer.refresh) throw new Error("the dashboard did not answer from the stored report");
  warm.push(performance.now() - t);
}
const dashboardMs = median(warm);
// New rankings arrive (one more clinician ranking of a prompt), and the last check is a minute old:
// the next view serves the stored, now stale, report and enqueues a refresh (its slowest path).
await pool().query(
  `WITH p AS (SELECT id FROM prompts WHERE project_id = $1 ORDER BY id LIMIT 1),
        u AS (SELECT id FROM users WHERE email LIKE 'bench-agreement-c%' AND id NOT IN (SELECT rater_id FROM rankings WHERE prompt_id = (SELECT id FROM p) AND rater_id IS NOT NULL) LIMIT 1),
        r AS (INSERT INTO rankings (prompt_id, kind, rater_id) SELECT p.id, 'HUMAN', u.id FROM p, u RETURNING id, rater_id, prompt_id),
        rr AS (INSERT INTO ranking_revisions (ranking_id, revision, author_id, time_on_task_ms, shown_order) SELECT id, 1, rater_id, 60000, '{}' FROM r RETURNING id)
   INSERT INTO ranking_entries (revision_id, completion_id, rank, shown_position)
   SELECT rr.id, c.id, c.position + 1, c.position FROM rr, completions c WHERE c.prompt_id = (SELECT id FROM p)`,
  [projectId],
);
await pool().query(`UPDATE agreement_reports SET checked_at = now() - interval '1 minute' WHERE project_id = $1`, [projectId]);
const first = performance.now();
const stale = await dashboardAgreement(startQueue, "bench-agreement");
const dashboardFirstMs = performance.now() - first;
if (!stale.stored || stale.refresh?.phase !== "queued")
  throw new Error("the first view after new rankings did not serve the stored report");
if ((await runAgreementRefresh(projectId, "{}")) !== "computed") throw new Error("new rankings did not lead to a new report");
await stopQueue();

await closePool();
await disconnectPrisma();
await database.close();

if (args.json) {
  process.stdout.write(
    JSON.stringify({
      prompts: promptCount,
      reportSeconds: Number(reportSeconds.toFixed(3)),
      loadSeconds: Number(median(loads).toFixed(3)),
      computeSeconds: Number(median(computes).toFixed(3)),
      dashboardFirstMs: Number(dashboardFirstMs.toFixed(1)),
      dashboardMs: Number(dashboardMs.toFixed(1)),
    }) + "\n",
  );
} else {
  log(summary);
  log("");
  log(
    `| prompts | rankings | full report (load + compute) | dashboard, stored report | first view after new rankings | first view, no report yet | background refresh |`,
  );
  log(`| --- | --- | --- | --- | --- | --- | --- |`);
  log(
    `| ${promptCount} | ${promptCount * 5} | ${reportSeconds.toFixed(2)} s (load ${median(loads).toFixed(2)} s, compute ${median(computes).toFixed(2)} s) | ${dashboardMs.toFixed(0)} ms | ${dashboardFirstMs.toFixed(0)} ms | ${emptyMs.toFixed(0)} ms | ${refreshSeconds.toFixed(1)} s |`,
  );
  log(
    `Targets: full report ≤ 5 s (${reportSeconds <= 5 ? "met" : "missed"}), dashboard < 300 ms (${dashboardMs < 300 ? "met" : "missed"}), first view after new rankings < 300 ms (${dashboardFirstMs < 300 ? "met" : "missed"}).`,
  );
}
