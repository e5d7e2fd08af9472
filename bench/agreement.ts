// `npm run bench:agreement [-- --prompts 10000] [--json]`: a project of N prompts × 8 candidates
// with 3 clinician rankings each and one judge run (2 permutations) on a throwaway database; times
// the full agreement report (load + compute, no cache) and the dashboard's answer (cached report).
export {};
process.env.LOG_LEVEL ??= "warn";
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
const { projectAgreement } = await import("@/lib/agreement/project-agreement");

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

// The dashboard: the first request computes and stores the report; later ones are served from it.
const cold = performance.now();
await projectAgreement("bench-agreement");
const coldMs = performance.now() - cold;
const warm: number[] = [];
for (let i = 0; i < 10; i++) {
  const t = performance.now();
  const answer = await projectAgreement("bench-agreement");
  if (!answer.fromCache) throw new Error("the dashboard's second request was not served from the cache");
  warm.push(performance.now() - t);
}
const dashboardMs = median(warm);

await closePool();
await disconnectPrisma();
await database.close();

if (args.json) {
  process.stdout.write(
    JSON.stringify({ prompts: promptCount, reportSeconds: Number(reportSeconds.toFixed(3)), dashboardMs: Number(dashboardMs.toFixed(1)) }) +
      "\n",
  );
} else {
  log(summary);
  log("");
  log(`| prompts | rankings | full report (load + compute) | dashboard, cached | dashboard, first request |`);
  log(`| --- | --- | --- | --- | --- |`);
  log(
    `| ${promptCount} | ${promptCount * 5} | ${reportSeconds.toFixed(2)} s (load ${median(loads).toFixed(2)} s, compute ${median(computes).toFixed(2)} s) | ${dashboardMs.toFixed(0)} ms | ${coldMs.toFixed(0)} ms |`,
  );
  log(`Targets: full report < 3 s (${reportSeconds < 3 ? "met" : "missed"}), dashboard < 1 s (${dashboardMs < 1000 ? "met" : "missed"}).`);
}
