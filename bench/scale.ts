// `npm run bench:scale [-- --prompts 100000] [--skip judge,agreement,pages,exports] [--json]`:
// UltraMedical's size end to end on a throwaway database, each figure next to its raw baseline
// measured in the same run: import (the real path vs COPY), 3 clinician rankings per prompt, a
// judge run (Batch mode over every prompt, live mode over a sample) against the local
// OpenAI-compatible test server, the agreement report and dashboard, the project, prompt-list and
// run pages over HTTP (vs their reads issued directly), every export format and file type (vs COPY
// TO of the documents they read). `--json` prints exactly one object (its shape is an interface).
// To iterate on one large database: `--keep-database` stops the embedded PostgreSQL at the end but
// keeps its folder (printed); `--database-home <folder>` starts that one again, applies new
// migrations, skips the import, the rankings and the judge runs (its Batch run is reused for the
// run page) and runs the other steps not skipped (`--formats rm,sft`: only these exports). Remove the folder when done.
export {};
process.env.LOG_LEVEL ??= "warn";
// This process enqueues only (as the web server does); the live judge run has its own worker process.
process.env.MEDPREF_PROCESS ??= "web";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { HttpSession } from "./http-session";
import { timeRawCopy, timeRealImport, writeImportFiles, emptyPromptTables } from "./parts/import-measure";
import { timeCliExport, timeRawExportCopy } from "./parts/export-measure";
import { measureAgreement } from "./parts/agreement-measure";
import { measureBatchRun, measureLiveRun, setUpJudgeBench } from "./parts/judge-measure";
import { timePage, type PageFigures } from "./parts/pages-measure";
import { postmasterPidOf } from "./parts/process-cpu";
import { addRankings } from "./ranked-project";
import { benchArgs, benchDatabase } from "./support";

const STEPS = ["judge", "agreement", "pages", "exports"] as const;
const args = benchArgs({
  prompts: "100000",
  skip: "",
  "page-requests": "40",
  "live-sample": "5000",
  "live-concurrency": "256",
  "delay-ms": "2000",
  permutations: "2",
  "keep-database": "false",
  "database-home": "",
  formats: "",
});
const promptCount = Number(args.prompts);
if (!Number.isInteger(promptCount) || promptCount < 100) throw new Error("--prompts must be a whole number ≥ 100");
const skip = new Set(args.skip!.split(",").filter(Boolean));
for (const s of skip) if (!STEPS.includes(s as never)) throw new Error(`--skip takes ${STEPS.join(", ")}; "${s}" is none of them`);
const pageRequests = Number(args["page-requests"]);
const keepDatabase = args["keep-database"] === "true";
const reusedHome = args["database-home"] || undefined;
const root = path.resolve(import.meta.dirname, "..");
const started = performance.now();
const log = (line: string) => {
  if (!args.json)
    process.stdout.write(
      `[${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s, load ${os.loadavg()[0]!.toFixed(1)}] ${line}\n`,
    );
};
/** Wall seconds per step, in order, summed up at the end (where the 30-minute budget goes). */
const stepTimes: { step: string; seconds: number; load: number }[] = [];
let stepStarted = performance.now();
/** Ends the current step (everything since the previous one ended) under `step`. */
const stepDone = (step: string) => {
  const now = performance.now();
  stepTimes.push({ step, seconds: round((now - stepStarted) / 1000), load: round(os.loadavg()[0]!) });
  stepStarted = now;
};

if (!skip.has("pages")) {
  const { ensureProductionBuild } = await import("@/lib/build/ensure-build");
  await ensureProductionBuild(root, log);
}
stepDone("production build");
const database = await benchDatabase({ home: reusedHome, keep: keepDatabase || reusedHome !== undefined });
process.env.MEDPREF_DATABASE_URL = database.url;
const { pool, closePool } = await import("@/lib/db/pool");
const { disconnectPrisma } = await import("@/lib/db/prisma");
const { createProject } = await import("@/lib/projects/create-project");
const { withTransaction } = await import("@/lib/db/transaction");
stepDone("database");

const SLUG = "scale";
/** The `--json` interface: exactly these keys (the shape). */
const result: Record<string, unknown> = { prompts: promptCount };
/** Everything else measured, printed in the human-readable output only. */
const details: Record<string, unknown> = {};

// --- Import: the real path against COPY of the same rows into empty tables --------------------
if (!reusedHome) {
  const scratch = await fsp.mkdtemp(path.join(os.tmpdir(), "medpref-bench-scale-"));
  log(`Writing ${promptCount} prompts × 8 candidates as JSONL (the import's input) and as COPY text (the baseline's)…`);
  const baselineProject = await createProject({ slug: "scale-baseline", name: "COPY baseline" }, null);
  const { jsonl: file, jsonlBytes: bytes, copy: copyFiles } = await writeImportFiles(scratch, promptCount, baselineProject.id);
  stepDone("input files");
  log(`  ${(bytes / 1e6).toFixed(0)} MB; raw COPY baseline…`);
  const baselineSeconds = await timeRawCopy(pool(), copyFiles);
  stepDone("import: COPY baseline");
  await emptyPromptTables(pool());
  log(`  COPY ${baselineSeconds.toFixed(1)} s; the real import…`);
  const project = await createProject({ slug: SLUG, name: "UltraMedical scale", overlapK: 3 }, null);
  const imported = await timeRealImport({ file, projectId: project.id, databaseUrl: database.url });
  stepDone("import");
  if (imported.promptsAdded !== promptCount) throw new Error(`the import added ${imported.promptsAdded} of ${promptCount} prompts`);
  result.import = {
    seconds: round(imported.seconds),
    baselineSeconds: round(baselineSeconds),
    ratio: round(imported.seconds / baselineSeconds),
    peakRssMb: Math.round(imported.peakRssMb),
  };
  log(
    `  import ${imported.seconds.toFixed(1)} s (${(imported.seconds / baselineSeconds).toFixed(2)}× COPY), peak RSS ${imported.peakRssMb.toFixed(0)} MB`,
  );
  await fsp.rm(scratch, { recursive: true, force: true });
}
const project = (await pool().query<{ id: string }>("SELECT id FROM projects WHERE slug = $1", [SLUG])).rows[0]!;

// --- Three clinician rankings per prompt, through submitted assignments (written in SQL) -------
if (!reusedHome) {
  log("Adding 3 clinician rankings per prompt…");
  await withTransaction((client) =>
    addRankings(client, { projectId: project.id, clinicianPrefix: SLUG, humanPerPrompt: 3, judge: null, log }),
  );
  stepDone("rankings");
}
await pool().query("ANALYZE");
stepDone("analyze");

// --- Judge: Batch mode over every prompt (P permutations), live mode over a seeded sample --------
let judgeRunId: string | null = reusedHome
  ? ((
      await pool().query<{ id: string }>(
        "SELECT id FROM judge_runs WHERE project_id = $1 AND mode = 'BATCH' ORDER BY created_at DESC LIMIT 1",
        [project.id],
      )
    ).rows[0]?.id ?? null)
  : null;
if (!skip.has("judge") && !reusedHome) {
  const delayMs = Number(args["delay-ms"]);
  const permutations = Number(args.permutations);
  const bench = await setUpJudgeBench({ databaseUrl: database.url, delayMs, postmasterPid: await postmasterPidOf(pool()) });
  log(`Judge run in Batch mode over ${promptCount} prompts, P = ${permutations}…`);
  const batch = await measureBatchRun(bench, { projectSlug: SLUG, name: "Scale batch", permutations });
  judgeRunId = batch.runId;
  stepDone("judge: batch run");
  log(
    `  ${batch.units} units in ${batch.batches} batches: MedPref's own time ${batch.overheadSeconds.toFixed(1)} s (test server ${batch.testServerSeconds.toFixed(1)} s, wall ${batch.wallSeconds.toFixed(1)} s)`,
  );
  const concurrency = Number(args["live-concurrency"]);
  const sample = Math.min(Number(args["live-sample"]), promptCount);
  log(
    `Judge run in live mode over a sample of ${sample} prompts, P = ${permutations}, ${concurrency} calls at once, ${delayMs} ms per answer…`,
  );
  const live = await measureLiveRun(bench, { projectSlug: SLUG, name: "Scale live", concurrency, permutations, sample });
  log(
    `  ${live.calls} calls in ${live.seconds.toFixed(1)} s = ${live.callsPerSecond.toFixed(1)} calls/s of an ideal ${live.ideal.toFixed(0)} (efficiency ${live.efficiency.toFixed(2)}); worker CPU ${live.cpuMsPerCall.worker} ms per call, PostgreSQL ${live.cpuMsPerCall.postgres} ms`,
  );
  await bench.close();
  stepDone("judge: live run");
  result.judge = {
    live: { concurrency, latencyMs: delayMs, efficiency: round(live.efficiency), workerCpuMsPerCall: live.cpuMsPerCall.worker },
    batch: { units: batch.units, batches: batch.batches, overheadSeconds: round(batch.overheadSeconds) },
  };
  details.judge = { live, batch };
}

// --- Agreement: the full report and the dashboard -------------------------------------------
if (!skip.has("agreement")) {
  log("Agreement report (load + compute, no cache) and the dashboard…");
  const { stopQueue } = await import("@/lib/jobs/queue");
  const agreement = await measureAgreement(pool(), { projectId: project.id, slug: SLUG, clinicianPrefix: SLUG, repeats: 1 });
  await stopQueue();
  log(
    `  report ${agreement.reportSeconds.toFixed(1)} s (load ${agreement.loadSeconds.toFixed(1)} s, compute ${agreement.computeSeconds.toFixed(1)} s); dashboard ${agreement.dashboardMs.toFixed(0)} ms, first view after new rankings ${agreement.dashboardFirstMs.toFixed(0)} ms`,
  );
  log(`  ${agreement.summary}`);
  result.agreement = {
    reportSeconds: round(agreement.reportSeconds),
    dashboardFirstMs: round(agreement.dashboardFirstMs),
    dashboardMs: round(agreement.dashboardMs),
  };
  details.agreement = agreement;
  stepDone("agreement");
}

// --- Pages: project page, prompt list (paged, filtered), run page; p95 over HTTP --------------
if (!skip.has("pages")) {
  const { startWebServer } = await import("./parts/web-server");
  const { hashPassword } = await import("@/lib/auth/password");
  const { getProjectPage } = await import("@/lib/projects/project-page");
  const { promptListQuerySchema, PROMPTS_PER_PAGE } = await import("@/lib/projects/prompt-list");
  const { clinicianProgress } = await import("@/lib/annotation/clinician-progress");
  const { listActiveClinicians } = await import("@/lib/users/manage-users");
  const password = "scale-bench-password";
  await pool().query(
    `INSERT INTO users (email, name, role, password_hash, pseudonym) VALUES ('scale-admin@medpref.test', 'Admin', 'ADMIN', $1, 'scale-admin') ON CONFLICT DO NOTHING`,
    [await hashPassword(password)],
  );
  log("Starting the production web server…");
  const server = await startWebServer(root, database.url);
  const admin = new HttpSession(server.baseUrl);
  await admin.signIn("scale-admin@medpref.test", password);
  const pages = Math.ceil(promptCount / PROMPTS_PER_PAGE);
  // Different pages and filters per request: a cache of one answer would not help.
  const listQueries = (i: number): Record<string, string> => {
    const page = String(1 + ((i * 7919) % pages));
    const variants: Record<string, string>[] = [
      { page },
      { source: "MedQA", page: String(1 + ((i * 31) % Math.ceil(pages / 4))) },
      { type: "exam", page: String(1 + ((i * 17) % Math.ceil(pages / 3))) },
      { status: "needs-rankings" },
      { status: "disputed", page: String(1 + (i % 5)) },
      { status: "gold" },
      { status: "judged", page: String(1 + ((i * 13) % pages)) },
      { q: `bench-${(i * 104729) % promptCount}` },
      { q: "invasive strategy", page: String(1 + (i % 20)) },
    ];
    return variants[i % variants.length]!;
  };
  const adminReads = async (query: Record<string, string>) =>
    Promise.all([getProjectPage(SLUG, promptListQuerySchema.parse(query)), clinicianProgress(SLUG), listActiveClinicians()]);
  const projectFigures = await timePage(
    admin,
    pageRequests,
    () => `/projects/${SLUG}`,
    () => adminReads({}),
  );
  log(`  project page p95 ${projectFigures.p95Ms} ms (its reads directly: ${projectFigures.baselineP95Ms} ms)`);
  const listFigures = await timePage(
    admin,
    pageRequests,
    (i) => `/projects/${SLUG}?${new URLSearchParams(listQueries(i))}`,
    (i) => adminReads(listQueries(i)),
    // A variant: its filters, without the page; every searched id is one variant.
    (i) =>
      Object.entries(listQueries(i))
        .filter(([k]) => k !== "page")
        .map(([k, v]) => `${k}=${v.replace(/^bench-\d+$/, "<id>")}`)
        .join("&") || "all",
  );
  log(`  prompt list p95 ${listFigures.p95Ms} ms (its reads directly: ${listFigures.baselineP95Ms} ms)`);
  for (const [variant, v] of Object.entries(listFigures.variants ?? {}))
    log(`    ${variant}: ${v.requests} requests, p50 ${v.p50Ms} ms, p95 ${v.p95Ms} ms (directly: ${v.baselineP95Ms} ms)`);
  const pageFigures: Record<string, PageFigures> = { project: projectFigures, promptList: listFigures };
  if (judgeRunId) {
    const { runView } = await import("@/lib/judge/queries");
    const { runBatches, runFailures, runPositionReport, runProgress, runPrompts } = await import("@/lib/judge/runs/run-views");
    const id = judgeRunId;
    pageFigures.run = await timePage(
      admin,
      pageRequests,
      () => `/runs/${id}`,
      () => Promise.all([runView(id), runProgress(id), runFailures(id), runBatches(id), runPrompts(id), runPositionReport(id)]),
    );
    log(`  run page p95 ${pageFigures.run.p95Ms} ms (its reads directly: ${pageFigures.run.baselineP95Ms} ms)`);
  }
  result.pages = {
    projectP95Ms: projectFigures.p95Ms,
    promptListP95Ms: listFigures.p95Ms,
    runP95Ms: pageFigures.run?.p95Ms ?? null,
  };
  details.pages = pageFigures;
  await server.stop();
  stepDone("pages");
}

// --- Exports: every format and file type through the CLI, each next to COPY TO of its documents -
if (!skip.has("exports")) {
  // The steps before wrote millions of rows (rankings, the judge runs): autovacuum and checkpoints
  // likely ran during the first exports, and PostgreSQL's CPU is the whole server's (an h4 export
  // right after the judge steps spent ~12 s more of it than its COPY; on a settled copy, as much).
  // Settled first, untimed, as the import step settles between its two measurements.
  await pool().query("VACUUM (ANALYZE)");
  await pool()
    .query("CHECKPOINT")
    .catch(() => undefined);
  stepDone("settle before exports");
  const { EXPORT_FORMATS: ALL_FORMATS } = await import("@/lib/export/export-config");
  // `--formats rm,sft`: only these (to finish or repeat part of the step on a kept database).
  const EXPORT_FORMATS = args.formats ? ALL_FORMATS.filter((f) => args.formats!.split(",").includes(f)) : ALL_FORMATS;
  const exports: Record<string, unknown>[] = [];
  /** CPU seconds of each export and of its COPY TO (details only: the --json entries keep the keys). */
  const exportCpu: Record<string, unknown>[] = [];
  const out = await fsp.mkdtemp(path.join(os.tmpdir(), "medpref-bench-scale-export-"));
  const postmasterPid = await postmasterPidOf(pool());
  let copy = { seconds: 0, bytes: 0, cpuSeconds: 0, postgresCpuSeconds: 0 };
  for (const [i, format] of EXPORT_FORMATS.entries()) {
    // The baseline (run like the export's read: same query, transaction and settings) before every
    // second format, so each export is timed within minutes of its baseline, under the same load;
    // one per format cost a further B × 3 (about 3 minutes at 100,000 prompts) of the 30-minute budget.
    if (i % 2 === 0) {
      copy = await timeRawExportCopy(pool(), { id: project.id, slug: SLUG }, postmasterPid);
      log(
        `  raw COPY TO of the documents the exports read: ${copy.seconds.toFixed(1)} s (${(copy.bytes / 1e6).toFixed(0)} MB; CPU: PostgreSQL ${copy.postgresCpuSeconds.toFixed(1)} s, reader ${copy.cpuSeconds.toFixed(1)} s)`,
      );
    }
    for (const fileType of ["jsonl", "parquet"] as const) {
      const directory = path.join(out, `${format}-${fileType}`);
      const r = await timeCliExport({
        databaseUrl: database.url,
        project: SLUG,
        format,
        fileType,
        strategy: "best-random",
        out: directory,
        postmasterPid,
      });
      await fsp.rm(directory, { recursive: true, force: true });
      exports.push({
        format,
        fileType,
        seconds: round(r.seconds),
        baselineSeconds: round(copy.seconds),
        ratio: round(r.seconds / copy.seconds),
        peakRssMb: Math.round(r.peakRssMb),
      });
      const copyCpu = copy.postgresCpuSeconds + copy.cpuSeconds;
      exportCpu.push({
        format,
        fileType,
        cpuSeconds: round(r.cpuSeconds),
        postgresCpuSeconds: round(r.postgresCpuSeconds),
        baselineCpuSeconds: round(copyCpu),
        load: round(os.loadavg()[0]!),
      });
      log(
        `  export ${format} ${fileType}: ${r.rows} rows in ${r.seconds.toFixed(1)} s (${(r.seconds / copy.seconds).toFixed(2)}× COPY ${copy.seconds.toFixed(1)} s), peak RSS ${r.peakRssMb.toFixed(0)} MB; CPU: export ${r.cpuSeconds.toFixed(1)} s + PostgreSQL ${r.postgresCpuSeconds.toFixed(1)} s (COPY ${copyCpu.toFixed(1)} s)`,
      );
    }
  }
  await fsp.rm(out, { recursive: true, force: true });
  result.exports = exports;
  details.exportCpu = exportCpu;
  stepDone("exports");
}

await closePool();
await disconnectPrisma();
await database.close();
if (database.home && (keepDatabase || reusedHome)) log(`Kept the database in ${database.home} (again: --database-home ${database.home})`);
stepDone("close");
details.steps = stepTimes;
// The summary goes to stderr with --json, whose stdout is exactly one object.
const summary = [
  "Step times (wall seconds, load at the step's end):",
  ...stepTimes.map((s) => `  ${s.step.padEnd(24)} ${s.seconds.toFixed(1).padStart(8)} s   load ${s.load.toFixed(1)}`),
  `  ${"total".padEnd(24)} ${((performance.now() - started) / 1000).toFixed(1).padStart(8)} s`,
].join("\n");
process[args.json ? "stderr" : "stdout"].write(summary + "\n");
log(`Done in ${((performance.now() - started) / 60000).toFixed(1)} min.`);
if (args.json) process.stdout.write(JSON.stringify(result) + "\n");
else process.stdout.write(JSON.stringify({ ...result, details }, null, 2) + "\n");

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
