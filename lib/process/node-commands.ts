// How MedPref's own Node processes are started, in one place: `npm run medpref`, the worker
// (scripts/start.ts), tests and benchmarks all spawn the same command line.
import path from "node:path";

/**
 * The old-generation heap limit of processes that run exports and other jobs. Their live set is
 * bounded by design (an export runs in 64 MB), but without a limit V8 lets garbage grow the heap
 * with the input: an h4 all-pairs Parquet export of 10k prompts peaked at 333 MB RSS unlimited,
 * 233 MB with this limit (bench:export).
 */
export const BOUNDED_HEAP_MB = 192;
export const BOUNDED_HEAP_FLAGS: readonly string[] = [`--max-old-space-size=${BOUNDED_HEAP_MB}`];

/** Node arguments that run a TypeScript file of scripts/ under tsx. */
export function tsxScriptArgs(root: string, file: string, ...args: string[]): string[] {
  return ["--import", "tsx", path.join(root, "scripts", file), ...args];
}

/** The same for a process that runs jobs (the worker, the command line): with the bounded heap. */
export function jobScriptArgs(root: string, file: string, ...args: string[]): string[] {
  return [...BOUNDED_HEAP_FLAGS, ...tsxScriptArgs(root, file, ...args)];
}

/** The `npm run medpref` script of package.json: the command line as a job process. */
export const MEDPREF_NPM_SCRIPT = `node ${BOUNDED_HEAP_FLAGS.join(" ")} --import tsx scripts/medpref.ts`;

/** Node arguments equal to `npm run medpref -- <args>` from the repository root. */
export function medprefCliArgs(...args: string[]): string[] {
  return jobScriptArgs(process.cwd(), "medpref.ts", ...args);
}
