// `npm run bench:export [-- --prompts 10000] [--repeats 3] [--json]`: a project of N prompts × 8
// candidates × 3 clinician rankings on a throwaway database; times the export (DPO, best vs a
// random lower-ranked candidate, the default) to JSONL and to Parquet, next to the raw baseline:
// `COPY (SELECT …) TO STDOUT` of the same prompt documents the export reads, through pg.
// `--format all`: every format to JSONL and Parquet, each through the real CLI in its own process,
// reporting that process's peak RSS (VmHWM), so one export's memory never counts against another's.
export {};
process.env.LOG_LEVEL ??= "warn";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { generateRankedProject } from "./ranked-project";
import { benchArgs, benchDatabase } from "./support";
import { timeCliExport, timeRawExportCopy } from "./parts/export-measure";

const args = benchArgs({ prompts: "10000", repeats: "3", strategy: "best-random", format: "dpo" });
const promptCount = Number(args.prompts);
const repeats = Number(args.repeats);
const log = (line: string) => {
  if (!args.json) process.stdout.write(line + "\n");
};

const database = await benchDatabase();
process.env.MEDPREF_DATABASE_URL = database.url;
const { pool, closePool } = await import("@/lib/db/pool");
const { disconnectPrisma } = await import("@/lib/db/prisma");
const { buildExportPackage } = await import("@/lib/export/build-export");
const { exportConfigSchema } = await import("@/lib/export/export-config");

log(`Generating ${promptCount} prompts × 8 candidates × 3 clinician rankings…`);
const generated = performance.now();
const { projectId } = await generateRankedProject(pool(), {
  slug: "bench-export",
  name: "Export benchmark",
  prompts: promptCount,
  judgePermutations: 0,
});
log(`  generated in ${((performance.now() - generated) / 1000).toFixed(1)} s`);

const cliExport = (format: string, fileType: "jsonl" | "parquet", out: string) =>
  timeCliExport({ databaseUrl: database.url, project: "bench-export", format, fileType, strategy: args.strategy!, out });

// `--format all` or a list (`--format h4,rankings,rm`), optionally `--file-types parquet`.
if (args.format === "all" || args.format!.includes(",")) {
  const { EXPORT_FORMATS: ALL_FORMATS } = await import("@/lib/export/export-config");
  const EXPORT_FORMATS = args.format === "all" ? ALL_FORMATS : args.format!.split(",");
  const fileTypes = (args["file-types"] ?? "jsonl,parquet").split(",") as ("jsonl" | "parquet")[];
  const scratch = await mkdtemp(path.join(os.tmpdir(), "medpref-bench-export-"));
  const results: { format: string; fileType: string; rows: number; seconds: number; peakRssMb: number }[] = [];
  log(`| format | file type | rows | seconds | peak RSS (MB) | < 300 MB |`);
  log(`| --- | --- | --- | --- | --- | --- |`);
  for (const format of EXPORT_FORMATS) {
    for (const fileType of fileTypes) {
      const out = path.join(scratch, `${format}-${fileType}`);
      const r = await cliExport(format, fileType, out);
      await rm(out, { recursive: true, force: true });
      results.push({ format, fileType, rows: r.rows, seconds: Number(r.seconds.toFixed(2)), peakRssMb: Math.round(r.peakRssMb) });
      log(
        `| ${format} | ${fileType} | ${r.rows} | ${r.seconds.toFixed(2)} | ${Math.round(r.peakRssMb)} | ${r.peakRssMb < 300 ? "yes" : "NO"} |`,
      );
    }
  }
  await rm(scratch, { recursive: true, force: true });
  await closePool();
  await disconnectPrisma();
  await database.close();
  if (args.json) process.stdout.write(JSON.stringify({ prompts: promptCount, strategy: args.strategy, exports: results }) + "\n");
  process.exit(results.every((r) => r.peakRssMb < 300) ? 0 : 1);
}

const rawCopy = () => timeRawExportCopy(pool(), { id: projectId, slug: "bench-export" });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const results: Record<"jsonl" | "parquet", { seconds: number[]; copy: number[]; rows: number; bytes: number }> = {
  jsonl: { seconds: [], copy: [], rows: 0, bytes: 0 },
  parquet: { seconds: [], copy: [], rows: 0, bytes: 0 },
};
// RSS sampled every 20 ms while exports run (the generation's memory is not the export's).
let peakRss = 0;
const scratch = await mkdtemp(path.join(os.tmpdir(), "medpref-bench-export-"));
for (let i = 0; i < repeats; i++) {
  for (const fileType of ["jsonl", "parquet"] as const) {
    // Interleaved with the baseline so both see the same cache state.
    const copy = await rawCopy();
    const directory = path.join(scratch, `${fileType}-${i}`);
    const config = exportConfigSchema.parse({
      projects: ["bench-export"],
      format: args.format,
      strategy: args.strategy,
      fileType,
      seed: 42,
    });
    const t = performance.now();
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 20);
    const manifest = await buildExportPackage({ config, directory });
    clearInterval(sampler);
    const seconds = (performance.now() - t) / 1000;
    const data = manifest.files.filter((f) => f.path.startsWith("data/"));
    const r = results[fileType];
    r.seconds.push(seconds);
    r.copy.push(copy.seconds);
    r.rows = data.reduce((s, f) => s + f.rows, 0);
    r.bytes = data.reduce((s, f) => s + f.bytes, 0);
    log(
      `  ${fileType} ${i + 1}: ${seconds.toFixed(2)} s for ${r.rows} rows (${(r.bytes / 1e6).toFixed(1)} MB); raw COPY ${copy.seconds.toFixed(2)} s (${(copy.bytes / 1e6).toFixed(1)} MB)`,
    );
    await rm(directory, { recursive: true, force: true });
  }
}
await rm(scratch, { recursive: true, force: true });
const peakRssMb = peakRss / (1 << 20);

await closePool();
await disconnectPrisma();
await database.close();

const figures = (fileType: "jsonl" | "parquet") => {
  const r = results[fileType];
  const seconds = median(r.seconds);
  return {
    seconds: Number(seconds.toFixed(3)),
    mbPerSecond: Number((r.bytes / 1e6 / seconds).toFixed(2)),
    ratio: Number((seconds / median(r.copy)).toFixed(2)),
    rowsPerSecond: Math.round(r.rows / seconds),
    copySeconds: Number(median(r.copy).toFixed(3)),
  };
};
const jsonl = figures("jsonl");
const parquet = figures("parquet");
if (args.json) {
  process.stdout.write(
    JSON.stringify({
      rows: results.jsonl.rows,
      jsonl: { seconds: jsonl.seconds, mbPerSecond: jsonl.mbPerSecond, ratio: jsonl.ratio },
      parquet: { seconds: parquet.seconds, mbPerSecond: parquet.mbPerSecond, ratio: parquet.ratio },
      peakRssMb: Math.round(peakRssMb),
    }) + "\n",
  );
} else {
  log("");
  log(`${promptCount} prompts, ${args.format} / ${args.strategy}: ${results.jsonl.rows} rows (medians of ${repeats})`);
  log(`| file type | seconds | rows/s | MB/s | raw COPY | ratio to COPY | target |`);
  log(`| --- | --- | --- | --- | --- | --- | --- |`);
  log(
    `| JSONL | ${jsonl.seconds} | ${jsonl.rowsPerSecond} | ${jsonl.mbPerSecond} | ${jsonl.copySeconds} s | ${jsonl.ratio}× | ≤ 2× (${jsonl.ratio <= 2 ? "met" : "missed"}) |`,
  );
  log(
    `| Parquet | ${parquet.seconds} | ${parquet.rowsPerSecond} | ${parquet.mbPerSecond} | ${parquet.copySeconds} s | ${parquet.ratio}× | ≤ 4× (${parquet.ratio <= 4 ? "met" : "missed"}) |`,
  );
  log(
    `Peak RSS while exporting (sampled every 20 ms): ${peakRssMb.toFixed(0)} MB (target < 300 MB: ${peakRssMb < 300 ? "met" : "missed"}).`,
  );
}
