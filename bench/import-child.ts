// Child process of the import benchmarks: runs the real import path alone, so the parent can read
// this process's peak resident set size (VmHWM) without the benchmark's own allocations in it.
export {};
import fs from "node:fs";
import { CLI_IMPORT_HINTS } from "@/lib/cli/import-hints";
const [file, projectId] = process.argv.slice(2) as [string, string];
const { importPrompts } = await import("@/lib/import/import-prompts");
const { DEFAULT_IMPORT_LIMITS } = await import("@/lib/import/types");
const { closePool } = await import("@/lib/db/pool");

const started = performance.now();
const summary = await importPrompts({
  projectId,
  input: fs.createReadStream(file, { highWaterMark: 1 << 20 }),
  fileName: "prompts.jsonl",
  bytesTotal: fs.statSync(file).size,
  format: "auto",
  skipInvalid: false,
  limits: DEFAULT_IMPORT_LIMITS,
  actorId: null,
  hints: CLI_IMPORT_HINTS,
});
const seconds = (performance.now() - started) / 1000;
await closePool();
process.stdout.write(JSON.stringify({ seconds, ok: summary.ok, promptsAdded: summary.promptsAdded, message: summary.message }) + "\n");
