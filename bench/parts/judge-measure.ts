import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import type PgBoss from "pg-boss";
import { JOB_PROCESS, tsxArgs } from "@/lib/process/node-commands";
import { startFakeOpenAI } from "../../tests/support/fake-openai-server";
import { peakRssMbOf } from "./peak-rss";
import { postgresCpuMs, processCpuMs, processCpuSplitMs } from "./process-cpu";

/** The local OpenAI-compatible test server answering after `delayMs`, registered as an endpoint, with the built-in templates and a queue. */
export interface JudgeBench {
  fake: Awaited<ReturnType<typeof startFakeOpenAI>>;
  endpointId: string;
  templateId: string;
  boss: PgBoss;
  databaseUrl: string;
  postmasterPid: number;
  delayMs: number;
  close(): Promise<void>;
}

export async function setUpJudgeBench(options: { databaseUrl: string; delayMs: number; postmasterPid: number }): Promise<JudgeBench> {
  process.env.MEDPREF_KEY_BENCH_JUDGE = "bench-key";
  const { createEndpoint } = await import("@/lib/judge/endpoints");
  const { ensureBuiltInTemplates, latestTemplates } = await import("@/lib/judge/judge-templates");
  const { startQueue, stopQueue } = await import("@/lib/jobs/queue");
  const fake = await startFakeOpenAI({ delayMs: options.delayMs, keepBatchLines: false });
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
  return {
    fake,
    endpointId: endpoint.id,
    templateId: template.id,
    boss,
    databaseUrl: options.databaseUrl,
    postmasterPid: options.postmasterPid,
    delayMs: options.delayMs,
    async close() {
      await stopQueue();
      await fake.close();
    },
  };
}

/** The real worker (`scripts/worker.ts`) in its own process with `concurrency` job loops, once it logged that it started. */
export async function startWorker(databaseUrl: string, concurrency: number, cpuProfileDir?: string): Promise<ChildProcess> {
  // A V8 CPU profile written to the directory when the worker exits (open it in Chrome's DevTools).
  const profile = cpuProfileDir ? ["--cpu-prof", "--cpu-prof-dir", cpuProfileDir] : [];
  const child = spawn(process.execPath, [...profile, ...tsxArgs("scripts/worker.ts", [], JOB_PROCESS)], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      MEDPREF_DATABASE_URL: "",
      MEDPREF_WORKER_CONCURRENCY: String(concurrency),
      LOG_LEVEL: "info",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // Its boot, under load, must not count as the run's time.
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

/** A judge run of the bench's endpoint, model and template over the project's prompts. */
async function createBenchRun(
  bench: JudgeBench,
  options: { projectSlug: string; name: string; permutations: number },
  extra: { maxConcurrency?: number; filter?: { sample: number }; mode?: "BATCH" },
) {
  const { createJudgeRun } = await import("@/lib/judge/runs/create-judge-run");
  const { projectSlug, name, permutations } = options;
  return createJudgeRun(
    { projectSlug, name, endpointId: bench.endpointId, model: "judge", templateId: bench.templateId, permutations, ...extra },
    null,
  );
}

export interface LiveRunFigures {
  runId: string;
  concurrency: number;
  calls: number;
  seconds: number;
  callsPerSecond: number;
  /** concurrency / the test server's delay. */
  ideal: number;
  efficiency: number;
  /** Time a slot is held beyond the server's delay, per call. */
  overheadMsPerCall: number;
  cpuMsPerCall: { worker: number; postgres: number; benchAndTestServer: number };
  /** The worker's CPU per call in kernel mode (system calls: sockets, polling, GC threads waking), part of `cpuMsPerCall.worker`. */
  workerSystemMsPerCall: number;
  /** CPU of everything measured, as a share of the machine's cores over the run. */
  machineBusy: number;
  workerPeakRssMb: number;
}

/**
 * A live judge run over the project's prompts (or a seeded sample of them) with P permutations at
 * max concurrency c, executed by a real worker with c job loops; calls per second against the
 * ideal c / delay, and the CPU each process spent per call.
 */
export async function measureLiveRun(
  bench: JudgeBench,
  options: { projectSlug: string; name: string; concurrency: number; permutations: number; sample?: number; cpuProfileDir?: string },
): Promise<LiveRunFigures> {
  const { startJudgeRun } = await import("@/lib/judge/runs/judge-queue");
  const { runProgress } = await import("@/lib/judge/runs/run-views");
  const { db } = await import("@/lib/db/prisma");
  const { concurrency } = options;
  const run = await createBenchRun(bench, options, {
    maxConcurrency: concurrency,
    ...(options.sample ? { filter: { sample: options.sample } } : {}),
  });
  const worker = await startWorker(bench.databaseUrl, concurrency, options.cpuProfileDir);
  const callsBefore = bench.fake.calls.length;
  const cpuBefore = {
    worker: processCpuMs(worker.pid!),
    workerSystem: processCpuSplitMs(worker.pid!).system,
    self: process.cpuUsage(),
    pg: postgresCpuMs(bench.postmasterPid),
  };
  const started = performance.now();
  await startJudgeRun(bench.boss, run.id, null);
  // A cheap status poll (the run page's progress query counts units: too heavy to ask 10 times a second).
  for (;;) {
    const { status } = await db().judgeRun.findUniqueOrThrow({ where: { id: run.id }, select: { status: true } });
    if (status !== "RUNNING" && status !== "QUEUED") break;
    await new Promise((res) => setTimeout(res, 100));
  }
  const seconds = (performance.now() - started) / 1000;
  const final = (await runProgress(run.id))!;
  if (final.status !== "COMPLETED" || final.failed > 0) throw new Error(`run ended ${final.status} with ${final.failed} failed units`);
  const workerPeakRssMb = (await peakRssMbOf(worker.pid!)) ?? 0;
  const self = process.cpuUsage(cpuBefore.self);
  const cpu = {
    worker: processCpuMs(worker.pid!) - cpuBefore.worker,
    workerSystem: processCpuSplitMs(worker.pid!).system - cpuBefore.workerSystem,
    postgres: postgresCpuMs(bench.postmasterPid) - cpuBefore.pg,
    benchAndTestServer: (self.user + self.system) / 1000,
  };
  worker.kill("SIGTERM");
  await new Promise((r) => worker.once("exit", r));
  const calls = bench.fake.calls.length - callsBefore;
  const ideal = concurrency / (bench.delayMs / 1000);
  const perCall = (ms: number) => Number((ms / calls).toFixed(2));
  return {
    runId: run.id,
    concurrency,
    calls,
    seconds,
    callsPerSecond: calls / seconds,
    ideal,
    efficiency: calls / seconds / ideal,
    overheadMsPerCall: ((concurrency * seconds) / calls) * 1000 - bench.delayMs,
    cpuMsPerCall: { worker: perCall(cpu.worker), postgres: perCall(cpu.postgres), benchAndTestServer: perCall(cpu.benchAndTestServer) },
    workerSystemMsPerCall: perCall(cpu.workerSystem),
    machineBusy: (cpu.worker + cpu.postgres + cpu.benchAndTestServer) / (seconds * 1000 * os.cpus().length),
    workerPeakRssMb,
  };
}

export interface BatchRunFigures {
  runId: string;
  units: number;
  batches: number;
  /** MedPref's own time: its polls (building and uploading input files, following batches, storing results) minus the test server's work meanwhile. */
  overheadSeconds: number;
  testServerSeconds: number;
  wallSeconds: number;
  polls: number;
  /** MedPref's own seconds in each poll (the first submits the batches, the later ones ingest what finished). */
  pollSeconds: number[];
  /** CPU seconds of each poll: this process's (the test server's included) and PostgreSQL's, to tell Node's work from the database's per phase. */
  pollCpuSeconds: { node: number; postgres: number }[];
  /** This process's CPU, which includes the test server's. */
  cpuSeconds: number;
  /** PostgreSQL's CPU over the run (all its processes): with this process's, the work done, which a busy machine does not inflate as it does wall time. */
  postgresCpuSeconds: number;
  peakRssMb: number;
}

/**
 * A Batch-mode judge run over every prompt of the project with P permutations, submitted and
 * ingested by the batch poller driven here in this process; the waits between polls do not count.
 */
export async function measureBatchRun(
  bench: JudgeBench,
  options: { projectSlug: string; name: string; permutations: number },
): Promise<BatchRunFigures> {
  const { startJudgeRun } = await import("@/lib/judge/runs/judge-queue");
  const { pollJudgeBatches } = await import("@/lib/judge/runs/batch-run");
  const { runProgress } = await import("@/lib/judge/runs/run-views");
  const { db } = await import("@/lib/db/prisma");
  const run = await createBenchRun(bench, options, { mode: "BATCH" });
  await startJudgeRun(bench.boss, run.id, null);
  const pollSeconds: number[] = [];
  const pollCpuSeconds: { node: number; postgres: number }[] = [];
  const cpu = process.cpuUsage();
  const pgCpuBefore = postgresCpuMs(bench.postmasterPid);
  const workBefore = bench.fake.batchWorkMs();
  const started = performance.now();
  for (;;) {
    const work = bench.fake.batchWorkMs();
    const t = performance.now();
    const nodeCpu = process.cpuUsage();
    const pgCpu = postgresCpuMs(bench.postmasterPid);
    const next = await pollJudgeBatches(run.id);
    pollSeconds.push((performance.now() - t - (bench.fake.batchWorkMs() - work)) / 1000);
    const nodeUsed = process.cpuUsage(nodeCpu);
    pollCpuSeconds.push({ node: (nodeUsed.user + nodeUsed.system) / 1e6, postgres: (postgresCpuMs(bench.postmasterPid) - pgCpu) / 1000 });
    if (next === "done") break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const wallSeconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  const postgresCpuSeconds = (postgresCpuMs(bench.postmasterPid) - pgCpuBefore) / 1000;
  const final = (await runProgress(run.id))!;
  const batches = await db().judgeBatch.count({ where: { runId: run.id } });
  const units = await db().judgeUnit.count({ where: { runId: run.id } });
  const stored = await db().ranking.count({ where: { judgeRunId: run.id } });
  if (final.status !== "COMPLETED" || stored !== units) throw new Error(`run ended ${final.status} with ${stored} rankings of ${units}`);
  return {
    runId: run.id,
    units,
    batches,
    overheadSeconds: pollSeconds.reduce((a, b) => a + b, 0),
    testServerSeconds: (bench.fake.batchWorkMs() - workBefore) / 1000,
    wallSeconds,
    polls: pollSeconds.length,
    pollSeconds,
    pollCpuSeconds,
    cpuSeconds: (used.user + used.system) / 1e6,
    postgresCpuSeconds,
    peakRssMb: (await peakRssMbOf(process.pid)) ?? 0,
  };
}
