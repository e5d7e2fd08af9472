// `npm run bench:agreement [-- --prompts 10000] [--json]`: a project of N prompts × 8 candidates
// with 3 clinician rankings each and one judge run (2 permutations) on a throwaway database; times
// the full agreement report (load + compute, no cache) and the dashboard's answer, which never
// computes: the stored report (`dashboardMs`), and the first request right after new rankings were
// added (`dashboardFirstMs`: still the stored report, labelled stale, with a refresh enqueued).
export {};
process.env.LOG_LEVEL ??= "warn";
// The dashboard runs in the web server, whose queue only enqueues (no supervision or cron).
process.env.MEDPREF_PROCESS ??= "web";
import { measureAgreement } from "./parts/agreement-measure";
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
const { stopQueue } = await import("@/lib/jobs/queue");

log(`Generating ${promptCount} prompts × 8 candidates × 3 clinician rankings + 1 judge run (P = 2)…`);
const generated = performance.now();
const { projectId } = await generateRankedProject(pool(), {
  slug: "bench-agreement",
  name: "Agreement benchmark",
  prompts: promptCount,
  judgePermutations: 2,
});
log(`  generated in ${((performance.now() - generated) / 1000).toFixed(1)} s`);
const figures = await measureAgreement(pool(), { projectId, slug: "bench-agreement", clinicianPrefix: "bench-agreement", repeats });
await stopQueue();

await closePool();
await disconnectPrisma();
await database.close();

const { reportSeconds, loadSeconds, computeSeconds, dashboardMs, dashboardFirstMs, emptyMs, refreshSeconds } = figures;
if (args.json) {
  process.stdout.write(
    JSON.stringify({
      prompts: promptCount,
      reportSeconds: Number(reportSeconds.toFixed(3)),
      loadSeconds: Number(loadSeconds.toFixed(3)),
      computeSeconds: Number(computeSeconds.toFixed(3)),
      dashboardFirstMs: Number(dashboardFirstMs.toFixed(1)),
      dashboardMs: Number(dashboardMs.toFixed(1)),
    }) + "\n",
  );
} else {
  log(figures.summary);
  log("");
  log(
    `| prompts | rankings | full report (load + compute) | dashboard, stored report | first view after new rankings | first view, no report yet | background refresh |`,
  );
  log(`| --- | --- | --- | --- | --- | --- | --- |`);
  log(
    `| ${promptCount} | ${promptCount * 5} | ${reportSeconds.toFixed(2)} s (load ${loadSeconds.toFixed(2)} s, compute ${computeSeconds.toFixed(2)} s) | ${dashboardMs.toFixed(0)} ms | ${dashboardFirstMs.toFixed(0)} ms | ${emptyMs.toFixed(0)} ms | ${refreshSeconds.toFixed(1)} s |`,
  );
  log(
    `Targets: full report ≤ 5 s (${reportSeconds <= 5 ? "met" : "missed"}), dashboard < 300 ms (${dashboardMs < 300 ? "met" : "missed"}), first view after new rankings < 300 ms (${dashboardFirstMs < 300 ? "met" : "missed"}).`,
  );
}
