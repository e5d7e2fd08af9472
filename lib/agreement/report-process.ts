import "server-only";
import { spawn } from "node:child_process";
import type { AgreementReport } from "@/lib/agreement/agreement-report";
import type { ReportFilter } from "@/lib/agreement/load-report-data";
import { databaseUrl } from "@/lib/db/pool";
import { REPORT_PROCESS, scriptArgs } from "@/lib/process/node-commands";

/** The last stderr kept to explain a failed computation. */
const STDERR_TAIL = 4000;

/**
 * Loads and computes a project's agreement report in a child process (scripts/agreement-report.ts)
 * and returns it as parsed JSON. Job processes (worker, command line) run with a bounded heap; a
 * report over 100k prompts needs about a gigabyte while it is computed, so it is computed outside
 * them, and the caller only ever holds the finished report. `onComputing`: the data is loaded.
 */
export function computeReportInChildProcess(
  projectId: string,
  filter: ReportFilter,
  onComputing: () => void = () => undefined,
): Promise<AgreementReport> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      scriptArgs(process.cwd(), "agreement-report.ts", [projectId, JSON.stringify(filter)], REPORT_PROCESS),
      {
        env: { ...process.env, MEDPREF_DATABASE_URL: databaseUrl() },
        stdio: ["ignore", "pipe", "pipe", "ipc"],
      },
    );
    child.on("message", (message: { phase?: string }) => {
      if (message.phase === "computing") onComputing();
    });
    const out: Buffer[] = [];
    let err = "";
    child.stdout!.on("data", (chunk: Buffer) => out.push(chunk));
    child.stderr!.on("data", (chunk: Buffer) => (err = (err + chunk.toString("utf8")).slice(-STDERR_TAIL)));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      if (code !== 0) {
        reject(new Error(`the agreement report's process ended with ${signal ?? `exit code ${code}`}: ${err.trim() || "no message"}`));
        return;
      }
      try {
        resolve(JSON.parse(Buffer.concat(out).toString("utf8")) as AgreementReport);
      } catch (error) {
        reject(new Error(`the agreement report's process wrote no valid JSON: ${String(error)}`));
      }
    });
  });
}
