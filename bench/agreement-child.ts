// Child process of the agreement benchmarks: loads and computes one project's report `repeats` times,
// as scripts/agreement-report.ts does (loadAndComputeReport), in a process
// started with the report process's flags (REPORT_PROCESS), and prints the times as one JSON line.
export {};
const [projectId, repeatsArg] = process.argv.slice(2) as [string, string];
const { loadAndComputeReport } = await import("@/lib/agreement/report-threads");
const { closePool } = await import("@/lib/db/pool");

const loads: number[] = [];
const computes: number[] = [];
let summary = "";
for (let i = 0; i < Number(repeatsArg); i++) {
  const t0 = performance.now();
  let t1 = t0;
  const report = await loadAndComputeReport(projectId, {}, () => (t1 = performance.now()));
  const t2 = performance.now();
  loads.push((t1 - t0) / 1000);
  computes.push((t2 - t1) / 1000);
  summary = `humans: pairwise agreement ${report.humanHuman.pairwiseAgreement?.toFixed(3)}, alpha ${report.humanHuman.krippendorffAlphaOrdinal?.toFixed(3)}, W ${report.humanHuman.kendallW?.toFixed(3)}; judge vs consensus tau-b ${report.judges[0]?.vsConsensus.kendallTauB?.toFixed(3)}`;
}
await closePool();
process.stdout.write(JSON.stringify({ loads, computes, summary }) + "\n");
