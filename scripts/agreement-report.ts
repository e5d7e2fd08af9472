// One agreement report, computed in its own process and written to stdout as JSON (started by
// lib/agreement/report-process.ts: job processes run with a bounded heap that 100k prompts' rankings
// do not fit in). Arguments: the project's id and the filter as JSON. Tells its parent (IPC) when
// loading is done and computing starts. Half of the report is computed on a worker thread.
export {};
process.env.LOG_LEVEL ??= "warn";
const [projectId, filterJson] = process.argv.slice(2);
const { loadAndComputeReport } = await import("@/lib/agreement/report-threads");
const { closePool } = await import("@/lib/db/pool");
try {
  const report = await loadAndComputeReport(projectId!, JSON.parse(filterJson ?? "{}"), () => process.send?.({ phase: "computing" }));
  await new Promise<void>((resolve, reject) =>
    process.stdout.write(JSON.stringify(report), (error) => (error ? reject(error) : resolve())),
  );
} finally {
  await closePool();
  process.disconnect?.();
}
