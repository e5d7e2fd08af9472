import path from "node:path";
import { Worker, type WorkerOptions } from "node:worker_threads";

/**
 * A worker thread running one of the repository's TypeScript modules (a path from the repository's
 * root, the working directory of every process the app starts). Node 20's worker threads do not
 * inherit the tsx loader of the process that starts them, so the worker registers it, then imports
 * the module. The module is named at run time, never imported by its starter: Next bundles nothing of it.
 */
export function typescriptWorker(moduleFromRoot: string, options: Pick<WorkerOptions, "execArgv" | "resourceLimits"> = {}): Worker {
  return new Worker(BOOT, { ...options, eval: true, workerData: { module: path.join(process.cwd(), moduleFromRoot) } });
}

const BOOT = `const { workerData } = require("node:worker_threads");
import("tsx/esm/api").then((tsx) => { tsx.register(); return import(require("node:url").pathToFileURL(workerData.module).href); });`;
