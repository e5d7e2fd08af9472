import "server-only";
import type { Worker } from "node:worker_threads";
import { agreementHalf, joinHalves, type AgreementReport, type RatersHalf, type ReportOptions } from "@/lib/agreement/agreement-report";
import { loadReportData, type ReportFilter } from "@/lib/agreement/load-report-data";
import type { ReportColumns } from "@/lib/agreement/report-data";
import { typescriptWorker } from "@/lib/process/typescript-worker";

/**
 * A worker thread that computes the raters half of an agreement report (lib/agreement/report-worker.ts)
 * while the calling thread computes the other half: the report's process then uses two cores. Start it
 * before loading the data: loading its modules (about half a second) overlaps PostgreSQL's work.
 */
export class ReportWorker {
  private readonly worker: Worker;
  private readonly half: Promise<RatersHalf>;

  constructor() {
    // With the report process's Node flags (its young generation, the server modules' condition).
    this.worker = typescriptWorker("lib/agreement/report-worker.ts");
    this.half = new Promise<RatersHalf>((resolve, reject) => {
      this.worker.once("message", resolve);
      this.worker.once("error", reject);
      this.worker.once("exit", (code) =>
        reject(new Error(`the agreement report's worker thread exited with code ${code} before answering`)),
      );
    });
    // Nothing awaits the half until the data is loaded: a worker that fails before is reported then.
    this.half.catch(() => undefined);
  }

  /** The report of `data`: the worker's half and this thread's half at once. */
  async report(data: ReportColumns, options: ReportOptions): Promise<AgreementReport> {
    const shared = sharedColumns(data);
    // The raters half reads no per-prompt strings: they are left out of the message (4 strings per prompt to copy).
    this.worker.postMessage({ data: { ...shared, promptIds: [], previews: [], sources: [], promptTypes: [] }, options });
    const agreement = agreementHalf(shared, options);
    return joinHalves(data, options, agreement, await this.half);
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/**
 * A project's agreement report, loaded and computed on two threads (the worker started with the load).
 * `onLoaded`: the data is loaded and the computation starts.
 */
export async function loadAndComputeReport(
  projectId: string,
  filter: ReportFilter,
  onLoaded: () => void = () => undefined,
): Promise<AgreementReport> {
  const worker = new ReportWorker();
  try {
    const data = await loadReportData(projectId, filter);
    onLoaded();
    return await worker.report(data, { seed: projectId });
  } finally {
    await worker.close();
  }
}

/**
 * The columns with every typed array moved onto a SharedArrayBuffer (one copy each), which a message
 * hands to the worker as it is: posted as ordinary typed arrays they would be serialized and copied,
 * about 12 ms per MB (64 MB of columns at 100k prompts: most of a second on each thread).
 */
function sharedColumns(data: ReportColumns): ReportColumns {
  const shared = { ...data };
  for (const [key, value] of Object.entries(data))
    if (ArrayBuffer.isView(value)) {
      const view = value as Uint8Array;
      const copy = new (view.constructor as new (buffer: SharedArrayBuffer) => Uint8Array)(new SharedArrayBuffer(view.byteLength));
      copy.set(view);
      (shared as Record<string, unknown>)[key] = copy;
    }
  return shared;
}
