// How MedPref's own Node processes are started, in one place: npm scripts (checked against these
// in node-commands.test.ts), scripts/start.ts's children, tests and benchmarks spawn the same lines.
import path from "node:path";

/**
 * The old-generation heap limit of processes that run exports and other jobs. Their live set is
 * bounded by design (an export runs in 64 MB), but without a limit V8 lets garbage grow the heap
 * with the input: an h4 all-pairs Parquet export of 10k prompts peaked at 333 MB RSS unlimited,
 * 233 MB with this limit (bench:export).
 */
export const BOUNDED_HEAP_MB = 192;
/**
 * The old generation may grow to 64 MB before its first full collection. V8 otherwise sizes its
 * limit from the small live set (10–30 MB) and runs a mark-compact whenever a few MB more survive a
 * scavenge: an h4 Parquet export of 20k prompts, whose row-group buffers survive by design, ran
 * 203 of them, half its CPU (23.5 → 13.6 s CPU, peak RSS 192 → 220 MB; JSONL 15 → 10 s).
 */
export const INITIAL_OLD_SPACE_MB = 64;
export const BOUNDED_HEAP_FLAGS: readonly string[] = [
  `--max-old-space-size=${BOUNDED_HEAP_MB}`,
  `--initial-old-space-size=${INITIAL_OLD_SPACE_MB}`,
];

/**
 * Server modules `import "server-only"`, which throws unless resolved with React's "react-server"
 * condition (Next does that for its server bundles). Node processes outside Next that import them
 * (the worker, the command line, npm start, benchmarks, test helpers) resolve with it too. The web
 * server (scripts/web-server.ts) does not: Next resolves React itself, and it imports no server module.
 */
export const SERVER_MODULE_FLAGS: readonly string[] = ["--conditions=react-server"];

/**
 * A young generation of 3 × 64 MB for processes that allocate millions of short-lived objects in one
 * computation (an agreement report over 100k prompts): with V8's default of 16 MB they survive into
 * the old generation and are collected there; 25% less CPU per report at 20k prompts (bench:agreement).
 */
export const LARGE_YOUNG_GENERATION_FLAGS: readonly string[] = ["--max-semi-space-size=64"];

export interface NodeProcessKind {
  /** Imports server modules (anything but the web server). */
  serverModules: boolean;
  /** Runs jobs: exports, imports, judge runs (the worker, the command line). */
  boundedHeap: boolean;
  /** One large computation that allocates many short-lived objects (see LARGE_YOUNG_GENERATION_FLAGS). */
  largeYoungGeneration?: boolean;
}

/** Node's own flags for a process of this kind. */
export function nodeFlags(kind: NodeProcessKind): string[] {
  return [
    ...(kind.boundedHeap ? BOUNDED_HEAP_FLAGS : []),
    ...(kind.largeYoungGeneration ? LARGE_YOUNG_GENERATION_FLAGS : []),
    ...(kind.serverModules ? SERVER_MODULE_FLAGS : []),
  ];
}

/** Node arguments that run a TypeScript file (path as given, relative to the working directory or absolute) under tsx. */
export function tsxArgs(file: string, args: readonly string[], kind: NodeProcessKind): string[] {
  return [...nodeFlags(kind), "--import", "tsx", file, ...args];
}

export const JOB_PROCESS: NodeProcessKind = { serverModules: true, boundedHeap: true };
export const SERVER_SCRIPT: NodeProcessKind = { serverModules: true, boundedHeap: false };
/**
 * Computes one agreement report (scripts/agreement-report.ts), started by a job process. Its live
 * set grows with the project (every latest ranking of 100k prompts: about 1 GB), which no bounded
 * heap of a job process can hold, so the computation runs here and the job keeps its limit.
 */
export const REPORT_PROCESS: NodeProcessKind = { serverModules: true, boundedHeap: false, largeYoungGeneration: true };
export const WEB_SERVER: NodeProcessKind = { serverModules: false, boundedHeap: false };

/** Node arguments of a script in scripts/ of the repository at `root`. */
export function scriptArgs(root: string, file: string, args: readonly string[], kind: NodeProcessKind): string[] {
  return tsxArgs(path.join(root, "scripts", file), args, kind);
}

/** The npm script that runs `file` as this kind of process (package.json must say exactly this). */
export function npmScriptFor(file: string, kind: NodeProcessKind, args: readonly string[] = []): string {
  return ["node", ...nodeFlags(kind), "--import", "tsx", file, ...args].join(" ");
}

/** Node arguments equal to `npm run medpref -- <args>` from the repository root. */
export function medprefCliArgs(...args: string[]): string[] {
  return scriptArgs(process.cwd(), "medpref.ts", args, JOB_PROCESS);
}
