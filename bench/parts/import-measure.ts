import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { copyTextRow } from "@/lib/db/copy-text";
import { completionContentHash, promptContentHash } from "@/lib/import/content-hash";
import { JOB_PROCESS, tsxArgs } from "@/lib/process/node-commands";
import { followPeakRss } from "./peak-rss";
import { benchPromptRecord } from "./prompt-file";

/** The real import path (lib/import via bench/import-child.ts) in its own job process: seconds and that process's peak RSS. */
export async function timeRealImport(options: {
  file: string;
  projectId: string;
  databaseUrl: string;
}): Promise<{ seconds: number; peakRssMb: number; promptsAdded: number }> {
  const child = spawn(
    process.execPath,
    tsxArgs(path.join(import.meta.dirname, "..", "import-child.ts"), [options.file, options.projectId], JOB_PROCESS),
    { env: { ...process.env, MEDPREF_DATABASE_URL: options.databaseUrl, LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "inherit"] },
  );
  const peak = followPeakRss(child.pid!);
  let stdout = "";
  child.stdout.on("data", (d) => (stdout += d));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const peakRssMb = peak.stop();
  if (code !== 0) throw new Error(`the import process failed (exit ${code})`);
  const result = JSON.parse(stdout.trim().split("\n").at(-1)!) as { seconds: number; ok: boolean; promptsAdded: number; message: string };
  if (!result.ok) throw new Error(`the import failed: ${result.message}`);
  return { seconds: result.seconds, peakRssMb, promptsAdded: result.promptsAdded };
}

/** The same N records as COPY text files for prompts and completions (written before the baseline is timed). */
export async function writeCopyFiles(dir: string, n: number, projectId: string): Promise<{ prompts: string; completions: string }> {
  return (await writeBenchFiles(dir, n, projectId, { jsonl: false })).copy;
}

/**
 * The import's input (MedPref JSONL, as writePromptFile writes it) and its COPY text files for the
 * baseline, in one pass: each record is generated once for both (two passes generated 100,000
 * records twice, about a minute of bench:scale's COPY baseline step).
 */
export async function writeImportFiles(
  dir: string,
  n: number,
  projectId: string,
): Promise<{ jsonl: string; jsonlBytes: number; copy: { prompts: string; completions: string } }> {
  const { copy, jsonl } = await writeBenchFiles(dir, n, projectId, { jsonl: true });
  return { copy, jsonl: jsonl!, jsonlBytes: fs.statSync(jsonl!).size };
}

async function writeBenchFiles(dir: string, n: number, projectId: string, options: { jsonl: boolean }) {
  const copy = { prompts: path.join(dir, "prompts.copy"), completions: path.join(dir, "completions.copy") };
  const jsonl = path.join(dir, "prompts.jsonl");
  const p = fs.createWriteStream(copy.prompts);
  const c = fs.createWriteStream(copy.completions);
  const j = options.jsonl ? fs.createWriteStream(jsonl) : null;
  const write = async (stream: fs.WriteStream, line: string) => {
    if (!stream.write(line)) await new Promise<void>((r) => stream.once("drain", () => r()));
  };
  for (let i = 0; i < n; i++) {
    const r = benchPromptRecord(i);
    if (j) await write(j, JSON.stringify(r) + "\n");
    const id = randomUUID();
    const messages = [{ role: "user" as const, content: r.prompt }];
    await write(
      p,
      copyTextRow([id, projectId, null, r.id, JSON.stringify(messages), null, r.source, r.type, [], "{}", promptContentHash(messages)]),
    );
    for (const [k, comp] of r.completions.entries())
      await write(c, copyTextRow([id, comp.model, comp.text, k, completionContentHash(comp.text)]));
  }
  const streams = [p, c, ...(j ? [j] : [])];
  await Promise.all(streams.map((s) => new Promise<void>((r) => s.end(r))));
  return { copy, jsonl: j ? jsonl : null };
}

/** The raw baseline: COPY of the same rows into the same tables in one transaction, through pg. */
export async function timeRawCopy(pool: pg.Pool, files: { prompts: string; completions: string }): Promise<number> {
  const client = await pool.connect();
  const started = performance.now();
  try {
    await client.query("BEGIN");
    await pipeline(
      fs.createReadStream(files.prompts),
      client.query(
        copyFrom(
          `COPY prompts (id, project_id, import_id, external_id, messages, reference_answer, source, prompt_type, tags, metadata, content_hash) FROM STDIN`,
        ),
      ),
    );
    await pipeline(
      fs.createReadStream(files.completions),
      client.query(copyFrom(`COPY completions (prompt_id, model, text, position, content_hash) FROM STDIN`)),
    );
    await client.query("COMMIT");
  } finally {
    client.release();
  }
  return (performance.now() - started) / 1000;
}

/**
 * Empties the prompt tables (between the baseline and the real import), so both write into empty
 * tables, and checkpoints, so the second of the two does not flush the first one's dirty pages
 * (a 20k-prompt COPY took 27–40 s right after the import, which took 24 s).
 */
export async function emptyPromptTables(pool: pg.Pool): Promise<void> {
  await pool.query("TRUNCATE completions, prompts, imports CASCADE");
  await pool.query("VACUUM ANALYZE prompts, completions");
  // Needs superuser or pg_checkpoint (the embedded server's user has it); without, the bench runs as before.
  await pool.query("CHECKPOINT").catch(() => undefined);
}
