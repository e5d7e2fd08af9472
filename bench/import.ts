// `npm run bench:import [-- --n 10000] [--json]`: the real import path against a raw COPY of the
// same rows into the same tables, in the same run, on a throwaway database.
export {};
process.env.LOG_LEVEL ??= "warn";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { benchArgs, benchDatabase } from "./support";
import { emptyPromptTables, timeRawCopy, timeRealImport, writeCopyFiles } from "./parts/import-measure";
import { writePromptFile } from "./parts/prompt-file";

const args = benchArgs({ n: "10000" });
const n = Number(args.n);
if (!Number.isInteger(n) || n < 1) throw new Error("--n must be a positive whole number");

const db = await benchDatabase();
process.env.MEDPREF_DATABASE_URL = db.url;
const { pool, closePool } = await import("@/lib/db/pool");
const { createProject } = await import("@/lib/projects/create-project");
const { disconnectPrisma } = await import("@/lib/db/prisma");

const log = (line: string) => {
  if (!args.json) process.stdout.write(line + "\n");
};

const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "medpref-bench-import-"));
const file = path.join(dir, "prompts.jsonl");
log(`Generating ${n} prompts x 8 completions…`);
const fileBytes = await writePromptFile(file, n);
log(`File: ${(fileBytes / 1024 ** 2).toFixed(1)} MB`);

// The real import runs first, in a process that has done nothing heavy yet, so its peak RSS is
// its own; then the same rows are written as COPY text and the baseline runs on empty tables.
log("Timing the real import…");
const project = await createProject({ slug: `bench-import-${Date.now()}`, name: "Import" }, null);
const imported = await timeRealImport({ file, projectId: project.id, databaseUrl: db.url });
if (imported.promptsAdded !== n) throw new Error(`the import added ${imported.promptsAdded} of ${n} prompts`);
await emptyPromptTables(pool());
const baselineProject = await createProject({ slug: "bench-baseline", name: "Baseline" }, null);
const copyFiles = await writeCopyFiles(dir, n, baselineProject.id);
log("Timing the raw COPY baseline…");
const baselineSeconds = await timeRawCopy(pool(), copyFiles);

const result = {
  prompts: n,
  seconds: round(imported.seconds),
  promptsPerSecond: Math.round(n / imported.seconds),
  mbPerSecond: round(fileBytes / 1024 ** 2 / imported.seconds),
  peakRssMb: Math.round(imported.peakRssMb),
  baselineSeconds: round(baselineSeconds),
  ratio: round(imported.seconds / baselineSeconds),
};
if (args.json) {
  process.stdout.write(JSON.stringify(result) + "\n");
} else {
  log("");
  log(
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 1024 ** 3)} GB, load ${os.loadavg()[0]!.toFixed(1)}`,
  );
  log(
    `Real import:   ${result.seconds} s  (${result.promptsPerSecond} prompts/s, ${result.mbPerSecond} MB/s, peak RSS ${result.peakRssMb} MB)`,
  );
  log(`Raw COPY:      ${result.baselineSeconds} s`);
  log(`Ratio:         ${result.ratio}× the raw COPY (target ≤ 1.3×; peak RSS target < 300 MB)`);
}

await fsp.rm(dir, { recursive: true, force: true });
await disconnectPrisma();
await closePool();
await db.close();

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
