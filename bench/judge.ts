// npm run bench:judge [-- --levels 8,32,64 --seconds 12 --delay-ms 200 --json] (the target: --levels 256 --delay-ms 2000)
//
// Judge-run throughput of the real worker (`scripts/worker.ts`, its own process) against the local
// OpenAI-compatible server answering every call after a fixed delay. For each concurrency c, a
// run sized to last about `seconds` at the ideal pace is executed with max concurrency c (and a
// worker with c job loops); calls per second are compared with the ideal c / delay. Also
// reported: the mean overhead per call (time a slot is held beyond the server's delay) and the
// worker's peak RSS (VmHWM). Not part of `npm test`.
import { spawn, type ChildProcess } from "node:child_process";
import { CLI_IMPORT_HINTS } from "@/lib/cli/import-hints";
import fs from "node:fs";
import os from "node:os";
import { benchArgs, benchDatabase } from "./support";
import { startFakeOpenAI } from "../tests/support/fake-openai-server";
import { JOB_PROCESS, tsxArgs } from "@/lib/process/node-commands";

const args = benchArgs({
  levels: "8,32,64",
  seconds: "12",
  "delay-ms": "200",
  permutations: "2",
  "pg-stats": "false",
  "cpu-prof": "",
  mode: "live",
  units: "200000",
});
const levels = args.levels!.split(",").map(Number);
const delayMs = Number(args["delay-ms"]);
const seconds = Number(args.seconds);
const permutations = Number(args.permutations);
const log = (line: string) => {
  if (!args.json) process.stdout.write(`${line}\n`);
};

const pgStats = args["pg-stats"] === "true";
const database = await benchDatabase({ statementStats: pgStats });
process.env.MEDPREF_DATABASE_URL = database.url;
process.env.MEDPREF_KEY_BENCH_JUDGE = "bench-key";
process.env.LOG_LEVEL ??= "warn";
const { closePool } = await import("@/lib/db/pool");
const { createEndpoint } = await import("@/lib/judge/endpoints");
const { ensureBuiltInTemplates, latestTemplates } = await import("@/lib/judge/judge-templates");
const { createJudgeRun } = await import("@/lib/judge/runs/create-judge-run");
const { startJudgeRun } = await import("@/lib/judge/runs/judge-queue");
const { runProgress } = await import("@/lib/judge/runs/run-views");
const { db } = await import("@/lib/db/prisma");
const { startQueue, stopQueue } = await import("@/lib/jobs/queue");
const { createProject } = await import("@/lib/projects/create-project");
const { importPrompts } = await import("@/lib/import/import-prompts");
const { DEFAULT_IMPORT_LIMITS } = await import("@/lib/import/types");

const fake = await startFakeOpenAI({ delayMs, keepBatchLines: false });
const endpoint = await createEndpoint(
  {
    name: "bench",
    baseUrl: fake.url,
    apiKeyEnv: "MEDPREF_KEY_BENCH_JUDGE",
    supportsBatch: true,
    modelPrices: { judge: { inputPerMTok: 2.5, outputPerMTok: 10 } },
  },
  null,
);
await ensureBuiltInTemplates();
const template = (await latestTemplates()).find((t) => t.key === "open-ended")!;
const boss = await startQueue();

const TICK_MS = 10; // USER_HZ = 100 on Linux
/** CPU time (ms) a process has used, from /proc. */
function cpuMs(pid: number): number {
  try {
    const fields = fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS;
  } catch {
    return 0;
  }
}
/** CPU time of every PostgreSQL process on this machine (the embedded server's backends). */
function postgresCpuMs(): number {
  let total = 0;
  for (const pid of fs.readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
    try {
      if (fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "postgres") total += cpuMs(Number(pid));
    } catch {
      // gone
    }
  }
  return total;
}

function peakRssMb(pid: number): number {
  try {
    const kb = Number(/VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0);
    return kb / 1024;
  } catch {
    return 0;
  }
}

async function startWorker(concurrency: number): Promise<ChildProcess> {
  // --cpu-prof DIR: the worker writes a V8 CPU profile there when it exits (open it in Chrome's DevTools).
  const profile = args["cpu-prof"] ? ["--cpu-prof", "--cpu-prof-dir", args["cpu-prof"]] : [];
  const child = spawn(process.execPath, [...profile, ...tsxArgs("scripts/worker.ts", [], JOB_PROCESS)], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      MEDPREF_DATABASE_URL: "",
      MEDPREF_WORKER_CONCURRENCY: String(concurrency),
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Ready once it logs that it started (its boot, under load, must not count as the run's time).
  await new Promise<void>((resolve, reject) => {
    let seen = "";
    const onData = (chunk: Buffer) => {
      seen = (seen + chunk.toString("utf8")).slice(-4096);
      if (seen.includes('"msg":"worker started"')) {
        child.stdout!.off("data", onData);
        child.stdout!.resume();
        resolve();
      }
    };
    child.stdout!.on("data", onData);
    child.once("exit", (code) => reject(new Error(`the worker exited (${code}) before it started`)));
  });
  return child;
}

/** A project of `prompts` prompts × 8 short candidates, imported through the real import path. */
async function benchProject(slug: string, prompts: number) {
  const project = await createProject({ slug, name: slug, overlapK: 1 }, null);
  const records = Array.from({ length: prompts }, (_, i) =>
    JSON.stringify({
      prompt: `Bench question ${slug}-${i}: which drug?`,
      completions: Array.from({ length: 8 }, (_, j) => ({
        model: `model-${j}`,
        text: `Candidate ${j} for ${i}, with a paragraph of reasoning about the drug of choice. [[q=${(i + j * 7) % 10}]]`,
      })),
    }),
  );
  const imported = await importPrompts({
    projectId: project.id,
    input: [Buffer.from(records.join("\n"))],
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
  await benchBatch(Number(args.units));
  await printPgStats();
  await stopQueue();
  await fake.close();
  await closePool();
  await database.close();
  process.exit(0);
}

/** Where the database's time went (--pg-stats): the statements with the most total time. */
async function printPgStats() {
  if (!pgStats) return;
  const { pool } = await import("@/lib/db/pool");
  await pool().query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
  const { rows } = await pool().query<{ calls: number; total_ms: number; mean_ms: number; query: string }>(
    `SELECT calls::int, total_exec_time::float8 AS total_ms, mean_exec_time::float8 AS mean_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 15`,
  );
  for (const r of rows)
    log(`${r.total_ms.toFixed(0).padStart(7)} ms ${String(r.calls).padStart(7)}× ${r.mean_ms.toFixed(2).padStart(6)} ms  ${r.query}`);
}

/**
 * Batch mode: a run of `units` units (P = permutations) submitted and ingested by the batch poller,
 * driven here in this process. MedPref's own time is the time its polls take (building and
 * uploading the input files, following the batches, streaming and storing the output) minus the
 * time the test server spent on the batches meanwhile; the waits between polls are not counted.
 */
async function benchBatch(units: number) {
  const { pollJudgeBatches } = await import("@/lib/judge/runs/batch-run");
  const prompts = Math.ceil(units / permutations);
  const importStarted = performance.now();
  const project = await benchProject("bench-judge-batch", prompts);
  log(
    `bench:judge --mode batch: ${prompts} prompts × 8 candidates imported in ${((performance.now() - importStarted) / 1000).toFixed(1)} s`,
  );
  const run = await createJudgeRun(
    {
      projectSlug: project.slug,
      name: "bench batch",
      endpointId: endpoint.id,
      model: "judge",
      templateId: template.id,
      permutations,
      mode: "BATCH",
    },
    null,
  );
  await startJudgeRun(boss, run.id, null);
  let ownMs = 0;
  let polls = 0;
  const cpu = process.cpuUsage();
  const started = performance.now();
  for (;;) {
    const work = fake.batchWorkMs();
    const t = performance.now();
    const next = await pollJudgeBatches(run.id);
    ownMs += performance.now() - t - (fake.batchWorkMs() - work);
    polls++;
    if (next === "done") break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const final = (await runProgress(run.id))!;
  const batches = await db().judgeBatch.count({ where: { runId: run.id } });
  const stored = await db().ranking.count({ where: { judgeRunId: run.id } });
  if (final.status !== "COMPLETED" || stored !== prompts * permutations)
    throw new Error(`run ended ${final.status} with ${stored} rankings of ${prompts * permutations}`);
  const result = {
    units: prompts * permutations,
    batches,
    overheadSeconds: Number((ownMs / 1000).toFixed(1)),
    testServerSeconds: Number((fake.batchWorkMs() / 1000).toFixed(1)),
    wallSeconds: Number(wallSeconds.toFixed(1)),
    polls,
    cpuSeconds: Number(((used.user + used.system) / 1e6).toFixed(1)),
    peakRssMb: Math.round(peakRssMb(process.pid)),
  };
  if (args.json) process.stdout.write(`${JSON.stringify({ mode: "batch", ...result })}\n`);
  else
    log(
      `${result.units} units in ${batches} batches: MedPref's own time ${result.overheadSeconds} s (test server ${result.testServerSeconds} s, wall ${result.wallSeconds} s, ${polls} polls; this process's CPU ${result.cpuSeconds} s including the test server's; peak RSS ${result.peakRssMb} MB)`,
    );
}

const results: {
  concurrency: number;
  callsPerSecond: number;
  ideal: number;
  efficiency: number;
  calls: number;
  seconds: number;
  overheadMsPerCall: number;
  cpuMsPerCall: Record<string, number>;
}[] = [];
let peakRss = 0;
log(
  `bench:judge — ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}, Node ${process.version}; server delay ${delayMs} ms, P = ${permutations}`,
);
for (const concurrency of levels) {
  const ideal = concurrency / (delayMs / 1000);
  const calls = Math.ceil((ideal * seconds) / permutations) * permutations;
  const prompts = calls / permutations;
  const project = await benchProject(`bench-judge-${concurrency}`, prompts);
  const run = await createJudgeRun(
    {
      projectSlug: project.slug,
      name: `bench ${concurrency}`,
      endpointId: endpoint.id,
      model: "judge",
      templateId: template.id,
      permutations,
      maxConcurrency: concurrency,
    },
    null,
  );
  const worker = await startWorker(concurrency);
  const callsBefore = fake.calls.length;
  const cpuBefore = { worker: cpuMs(worker.pid!), self: process.cpuUsage(), pg: postgresCpuMs() };
  const started = performance.now();
  await startJudgeRun(boss, run.id, null);
  // A cheap status poll (the run page's progress query counts units: too heavy to ask 20 times a second).
  for (;;) {
    const { status } = await db().judgeRun.findUniqueOrThrow({ where: { id: run.id }, select: { status: true } });
    if (status !== "RUNNING" && status !== "QUEUED") break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const elapsed = (performance.now() - started) / 1000;
  const final = (await runProgress(run.id))!;
  if (final.status !== "COMPLETED" || final.failed > 0) throw new Error(`run ended ${final.status} with ${final.failed} failed units`);
  peakRss = Math.max(peakRss, peakRssMb(worker.pid!));
  const selfCpu = process.cpuUsage(cpuBefore.self);
  const cpu = {
    worker: cpuMs(worker.pid!) - cpuBefore.worker,
    postgres: postgresCpuMs() - cpuBefore.pg,
    benchAndTestServer: (selfCpu.user + selfCpu.system) / 1000,
  };
  worker.kill("SIGTERM");
  await new Promise((r) => worker.once("exit", r));
  const made = fake.calls.length - callsBefore;
  const callsPerSecond = made / elapsed;
  const overheadMsPerCall = ((concurrency * elapsed) / made) * 1000 - delayMs;
  const cpuPerCall = Object.fromEntries(Object.entries(cpu).map(([k, v]) => [k, Number((v / made).toFixed(2))]));
  results.push({
    concurrency,
    callsPerSecond,
    ideal,
    efficiency: callsPerSecond / ideal,
    calls: made,
    seconds: elapsed,
    overheadMsPerCall,
    cpuMsPerCall: cpuPerCall,
  });
  log(
    `c=${String(concurrency).padStart(3)}: ${made} calls in ${elapsed.toFixed(2)} s = ${callsPerSecond.toFixed(1)} calls/s; ideal ${ideal.toFixed(0)}; efficiency ${((100 * callsPerSecond) / ideal).toFixed(1)}%; overhead ${overheadMsPerCall.toFixed(1)} ms per call`,
  );
  log(
    `        CPU per call: worker ${cpuPerCall.worker} ms, PostgreSQL ${cpuPerCall.postgres} ms, this process (test server, polling) ${cpuPerCall.benchAndTestServer} ms; machine busy ${((100 * (cpu.worker + cpu.postgres + cpu.benchAndTestServer)) / (elapsed * 1000 * os.cpus().length)).toFixed(0)}%`,
  );
}
log(`worker peak RSS: ${peakRss.toFixed(0)} MB`);
await printPgStats();
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
await stopQueue();
await fake.close();
await closePool();
await database.close();
process.exit(0);
