// `npm run bench:import [-- --n 10000] [--json]`: the real import path against a raw COPY of the
// same rows into the same tables, in the same run, on a throwaway database.
export {};
process.env.LOG_LEVEL ??= "warn";
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import fsp from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { from as copyFrom } from "pg-copy-streams";
import { benchArgs, benchDatabase } from "./support";
import { JOB_PROCESS, tsxArgs } from "@/lib/process/node-commands";

const args = benchArgs({ n: "10000" });
const n = Number(args.n);
if (!Number.isInteger(n) || n < 1) throw new Error("--n must be a positive whole number");

const db = await benchDatabase();
process.env.MEDPREF_DATABASE_URL = db.url;
const { pool, closePool } = await import("@/lib/db/pool");
const { promptContentHash, completionContentHash } = await import("@/lib/import/content-hash");
const { copyTextRow } = await import("@/lib/db/copy-text");
const { createProject } = await import("@/lib/projects/create-project");
const { disconnectPrisma } = await import("@/lib/db/prisma");

const log = (line: string) => {
  if (!args.json) process.stdout.write(line + "\n");
};

// --- The data: N prompts x 8 completions of ~1.5 KB, as MedPref JSONL ---------------------------
const dir = await fsp.mkdtemp(path.join(os.tmpdir(), "medpref-bench-import-"));
const file = path.join(dir, "prompts.jsonl");
const WORDS =
  "patient presents with acute chest pain troponin elevated ECG shows ST depression management includes aspirin heparin beta blocker statin and early invasive strategy consider contraindications renal function bleeding risk".split(
    " ",
  );
function text(seed: number, bytes: number): string {
  let s = "";
  let x = seed;
  while (s.length < bytes) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += WORDS[x % WORDS.length] + (x % 17 === 0 ? ".\n\n" : " ");
  }
  return s;
}
const record = (i: number) => ({
  id: `bench-${i}`,
  prompt: `Case ${i}: ${text(i, 400)}What is the next best step?`,
  source: i % 2 ? "MedQA" : "PubMedQA",
  type: "exam",
  completions: Array.from({ length: 8 }, (_, j) => ({ model: `model-${j}`, text: text(i * 8 + j + 1, 1500) })),
});
log(`Generating ${n} prompts x 8 completions…`);
const out = fs.createWriteStream(file);
for (let i = 0; i < n; i++) {
  if (!out.write(JSON.stringify(record(i)) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
}
await new Promise<void>((r) => out.end(r));
const fileBytes = (await fsp.stat(file)).size;
log(`File: ${(fileBytes / 1024 ** 2).toFixed(1)} MB`);

async function baseline(): Promise<number> {
  const client = await pool().connect();
  const started = performance.now();
  try {
    await client.query("BEGIN");
    await pipeline(
      fs.createReadStream(promptsCopy),
      client.query(
        copyFrom(
          `COPY prompts (id, project_id, import_id, external_id, messages, reference_answer, source, prompt_type, tags, metadata, content_hash) FROM STDIN`,
        ),
      ),
    );
    await pipeline(
      fs.createReadStream(completionsCopy),
      client.query(copyFrom(`COPY completions (prompt_id, model, text, position, content_hash) FROM STDIN`)),
    );
    await client.query("COMMIT");
  } finally {
    client.release();
  }
  return (performance.now() - started) / 1000;
}

async function realImport(): Promise<{ seconds: number; peakRssMb: number; added: number }> {
  const project = await createProject({ slug: `bench-import-${Date.now()}`, name: "Import" }, null);
  const child = spawn(process.execPath, tsxArgs(path.join(import.meta.dirname, "import-child.ts"), [file, project.id], JOB_PROCESS), {
    env: { ...process.env, MEDPREF_DATABASE_URL: db.url, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  // VmHWM is the kernel's record of the child's peak resident set size.
  let peakKb = 0;
  const poll = setInterval(() => {
    try {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, "utf8");
      peakKb = Math.max(peakKb, Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0));
    } catch {
      // the child has exited
    }
  }, 20);
  let stdout = "";
  child.stdout!.on("data", (d) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  clearInterval(poll);
  if (code !== 0) throw new Error(`the import process failed (exit ${code})`);
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as { seconds: number; ok: boolean; promptsAdded: number; message: string };
  if (!result.ok || result.promptsAdded !== n) throw new Error(`import did not add all prompts: ${result.message}`);
  return { seconds: result.seconds, peakRssMb: peakKb / 1024, added: result.promptsAdded };
}

async function emptyTables() {
  await pool().query("TRUNCATE completions, prompts, imports CASCADE");
  await pool().query("VACUUM ANALYZE prompts, completions");
}

// The real import runs first, in a process that has done nothing heavy yet, so its peak RSS is
// its own; then the same rows are written as COPY text and the baseline runs on empty tables.
log("Timing the real import…");
const imported = await realImport();
await emptyTables();
// --- The same rows as COPY text, written before the baseline is timed --------------------------
const baselineProject = await createProject({ slug: "bench-baseline", name: "Baseline" }, null);
const promptsCopy = path.join(dir, "prompts.copy");
const completionsCopy = path.join(dir, "completions.copy");
{
  const p = fs.createWriteStream(promptsCopy);
  const c = fs.createWriteStream(completionsCopy);
  for (let i = 0; i < n; i++) {
    const r = record(i);
    const id = randomUUID();
    const messages = [{ role: "user" as const, content: r.prompt }];
    if (
      !p.write(
        copyTextRow([
          id,
          baselineProject.id,
          null,
          r.id,
          JSON.stringify(messages),
          null,
          r.source,
          r.type,
          [],
          "{}",
          promptContentHash(messages),
        ]),
      )
    )
      await new Promise<void>((res) => p.once("drain", () => res()));
    for (const [j, comp] of r.completions.entries()) {
      if (!c.write(copyTextRow([id, comp.model, comp.text, j, completionContentHash(comp.text)])))
        await new Promise<void>((res) => c.once("drain", () => res()));
    }
  }
  await Promise.all([new Promise<void>((r) => p.end(r)), new Promise<void>((r) => c.end(r))]);
}
log("Timing the raw COPY baseline…");
const baselineSeconds = await baseline();

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
  log(`Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 1024 ** 3)} GB`);
  log(
    `Real import:   ${result.seconds} s  (${result.promptsPerSecond} prompts/s, ${result.mbPerSecond} MB/s, peak RSS ${result.peakRssMb} MB)`,
  );
  log(`Raw COPY:      ${result.baselineSeconds} s`);
  log(`Ratio:         ${result.ratio}× the raw COPY (target ≤ 2×; peak RSS target < 300 MB)`);
}

await fsp.rm(dir, { recursive: true, force: true });
await disconnectPrisma();
await closePool();
await db.close();

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
