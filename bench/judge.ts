// npm run bench:judge [-- --levels 8,32,64 --seconds 12 --delay-ms 200 --json] (the issue's target: --levels 256 --delay-ms 2000)
//
// Judge-run throughput of the real worker (`scripts/worker.ts`, its own process) against the local
// OpenAI-compatible server answering every call after a fixed delay. For each concurrency c, a
// run sized to last about `seconds` at the ideal pace is executed with max concurrency c (and a
// worker with c job loops); calls per second are compared with the ideal c / delay. Also
// reported: the mean overhead per call (time a slot is held beyond the server's delay) and the
// worker's peak RSS (VmHWM). Not part of `npm test`.
import os from "node:os";
import { CLI_IMPORT_HINTS } from "@/lib/cli/import-hints";
import { measureBatchRun, measureLiveRun, setUpJudgeBench, type LiveRunFigures } from "./parts/judge-measure";
import { benchPromptRecord } from "./parts/prompt-file";
import { postmasterPidOf } from "./parts/process-cpu";
import { benchArgs, benchDatabase } from "./support";

const args = benchArgs({
  levels: "8,32,64",
  seconds: "12",
  "delay-ms": "200",
  permutations: "2",
  "pg-stats": "false",
  "cpu-prof": "",
  mode: "live",
  units: "200000",
  "keep-database": "false",
});
const levels = args.levels!.split(",").map(Number);
const delayMs = Number(args["delay-ms"]);
const seconds = Number(args.seconds);
const permutations = Number(args.permutations);
const log = (line: string) => {
  if (!args.json) process.stdout.write(`${line}\n`);
};

const pgStats = args["pg-stats"] === "true";
// --keep-database: the embedded server's folder is kept (printed) to inspect the run's tables afterwards.
const keepDatabase = args["keep-database"] === "true";
const database = await benchDatabase({ statementStats: pgStats, keep: keepDatabase });
process.env.MEDPREF_DATABASE_URL = database.url;
process.env.LOG_LEVEL ??= "warn";
const { pool, closePool } = await import("@/lib/db/pool");
const { createProject } = await import("@/lib/projects/create-project");
const { importPrompts } = await import("@/lib/import/import-prompts");
const { DEFAULT_IMPORT_LIMITS } = await import("@/lib/import/types");
const bench = await setUpJudgeBench({ databaseUrl: database.url, delayMs, postmasterPid: await postmasterPidOf(pool()) });

/**
 * A project of `prompts` prompts × 8 candidates, imported through the real import path: short
 * candidates for live runs, ~1.5 KB ones (bench:scale's, UltraMedical's size) for Batch mode, whose
 * cost grows with the bytes of each request.
 */
async function benchProject(slug: string, prompts: number, size: "short" | "full" = "short") {
  const project = await createProject({ slug, name: slug, overlapK: 1 }, null);
  const record = (i: number) =>
    size === "full"
      ? JSON.stringify(benchPromptRecord(i))
      : JSON.stringify({
          prompt: `Bench question ${slug}-${i}: which drug?`,
          completions: Array.from({ length: 8 }, (_, j) => ({
            model: `model-${j}`,
            text: `Candidate ${j} for ${i}, with a paragraph of reasoning about the drug of choice. [[q=${(i + j * 7) % 10}]]`,
          })),
        });
  // A thousand records per chunk: 100,000 full-size records (1.3 GB) are never one string.
  function* chunks() {
    for (let start = 0; start < prompts; start += 1000)
      yield Buffer.from(Array.from({ length: Math.min(1000, prompts - start) }, (_, k) => record(start + k)).join("\n") + "\n");
  }
  const imported = await importPrompts({
    projectId: project.id,
    input: chunks(),
    fileName: "bench.jsonl",
    bytesTotal: 0,
    format: "jsonl",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
    hints: CLI_IMPORT_HINTS,
  });
  if (!imported.ok) throw new Error(imported.message);
  return project;
}

if (args.mode === "batch") {
  const units = Number(args.units);
  const prompts = Math.ceil(units / permutations);
  const importStarted = performance.now();
  const project = await benchProject("bench-judge-batch", prompts, "full");
  log(
    `bench:judge --mode batch: ${prompts} prompts × 8 candidates imported in ${((performance.now() - importStarted) / 1000).toFixed(1)} s`,
  );
  // --pg-stats: the run's statements only, not the import's.
  await resetPgStats();
  const r = await measureBatchRun(bench, { projectSlug: project.slug, name: "bench batch", permutations });
  const result = {
    units: r.units,
    batches: r.batches,
    overheadSeconds: round1(r.overheadSeconds),
    testServerSeconds: round1(r.testServerSeconds),
    wallSeconds: round1(r.wallSeconds),
    polls: r.polls,
    pollSeconds: r.pollSeconds.map(round1),
    pollCpuSeconds: r.pollCpuSeconds.map((c) => ({ node: round1(c.node), postgres: round1(c.postgres) })),
    cpuSeconds: round1(r.cpuSeconds),
    postgresCpuSeconds: round1(r.postgresCpuSeconds),
    peakRssMb: Math.round(r.peakRssMb),
  };
  if (args.json) process.stdout.write(`${JSON.stringify({ mode: "batch", ...result })}\n`);
  else
    log(
      `${result.units} units in ${result.batches} batches: MedPref's own time ${result.overheadSeconds} s (test server ${result.testServerSeconds} s, wall ${result.wallSeconds} s, ${result.polls} polls taking ${result.pollSeconds.join(" + ")} s, CPU per poll (this process / PostgreSQL) ${result.pollCpuSeconds.map((c) => `${c.node}/${c.postgres}`).join(", ")} s; this process's CPU ${result.cpuSeconds} s including the test server's, PostgreSQL's ${result.postgresCpuSeconds} s; peak RSS ${result.peakRssMb} MB)`,
    );
  await printPgStats();
  await bench.close();
  await closePool();
  await database.close();
  if (keepDatabase && database.home) log(`Kept the database in ${database.home}`);
  process.exit(0);
}

/** Clears the statement statistics (--pg-stats), so they show the measured run's statements only. */
async function resetPgStats() {
  if (!pgStats) return;
  await pool().query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  await pool().query("SELECT pg_stat_statements_reset()");
}

/**
 * Where the database's time went (--pg-stats): the statements with the most total time; with
 * `calls` (a live run's judge calls), also the statements executed per call, all and by the worker's own.
 */
async function printPgStats(calls?: number) {
  if (!pgStats) return;
  await pool().query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  const { rows } = await pool().query<{ calls: number; total_ms: number; mean_ms: number; query: string }>(
    `SELECT calls::int, total_exec_time::float8 AS total_ms, mean_exec_time::float8 AS mean_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 25`,
  );
  for (const r of rows)
    log(`${r.total_ms.toFixed(0).padStart(7)} ms ${String(r.calls).padStart(7)}× ${r.mean_ms.toFixed(2).padStart(6)} ms  ${r.query}`);
  if (!calls) return;
  // Top-level statements only (track=all also counts those run inside functions and triggers).
  const { rows: totals } = await pool().query<{ statements: number; top: number }>(
    `SELECT coalesce(sum(calls), 0)::int AS statements, coalesce(sum(calls) FILTER (WHERE toplevel), 0)::int AS top FROM pg_stat_statements`,
  );
  log(
    `statements per call: ${(totals[0]!.top / calls).toFixed(2)} top-level (${totals[0]!.top} for ${calls} calls), ${(totals[0]!.statements / calls).toFixed(2)} counting nested ones`,
  );
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

const results: LiveRunFigures[] = [];
let peakRss = 0;
log(
  `bench:judge — ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}; server delay ${delayMs} ms, P = ${permutations}`,
);
for (const concurrency of levels) {
  const ideal = concurrency / (delayMs / 1000);
  const prompts = Math.ceil((ideal * seconds) / permutations);
  const project = await benchProject(`bench-judge-${concurrency}`, prompts);
  await resetPgStats();
  const r = await measureLiveRun(bench, {
    projectSlug: project.slug,
    name: `bench ${concurrency}`,
    concurrency,
    permutations,
    cpuProfileDir: args["cpu-prof"] || undefined,
  });
  results.push(r);
  peakRss = Math.max(peakRss, r.workerPeakRssMb);
  log(
    `c=${String(concurrency).padStart(3)}: ${r.calls} calls in ${r.seconds.toFixed(2)} s = ${r.callsPerSecond.toFixed(1)} calls/s; ideal ${ideal.toFixed(0)}; efficiency ${(100 * r.efficiency).toFixed(1)}%; overhead ${r.overheadMsPerCall.toFixed(1)} ms per call`,
  );
  log(
    `        CPU per call: worker ${r.cpuMsPerCall.worker} ms (${r.workerSystemMsPerCall} ms of it in the kernel), PostgreSQL ${r.cpuMsPerCall.postgres} ms, this process (test server, polling) ${r.cpuMsPerCall.benchAndTestServer} ms; machine busy ${(100 * r.machineBusy).toFixed(0)}%`,
  );
}
log(`worker peak RSS: ${peakRss.toFixed(0)} MB`);
// With several levels the statistics are the last level's run.
await printPgStats(results.at(-1)?.calls);
if (args.json) {
  process.stdout.write(
    `${JSON.stringify({
      latencyMs: delayMs,
      levels: results.map(({ concurrency, callsPerSecond, ideal, efficiency, cpuMsPerCall }) => ({
        concurrency,
        callsPerSecond,
        ideal,
        efficiency,
        workerCpuMsPerCall: cpuMsPerCall.worker,
      })),
      peakRssMb: Math.round(peakRss),
      details: results,
    })}\n`,
  );
}
await bench.close();
await closePool();
await database.close();
process.exit(0);
