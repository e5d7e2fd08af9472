import { spawn } from "node:child_process";
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";
import { COPY_READ_AHEAD_BYTES } from "@/lib/db/copy-to";
import { promptDocumentsQuery } from "@/lib/export/load-export-prompts";
import { medprefCliArgs } from "@/lib/process/node-commands";
import { followPeakRss } from "./peak-rss";
import { postgresCpuMs, processCpuMs } from "./process-cpu";

export interface CliExportOptions {
  databaseUrl: string;
  project: string;
  format: string;
  fileType: "jsonl" | "parquet";
  strategy: string;
  out: string;
  /** The database's postmaster (postmasterPidOf): its CPU during the export is reported too. */
  postmasterPid?: number;
}

/**
 * CPU seconds next to the wall seconds: under load, wall time rewards whoever has more processes
 * runnable (the export runs two, itself and its PostgreSQL backend; COPY TO one), so the CPU each
 * side spent is the load-independent part of the comparison. PostgreSQL's is the whole server's
 * (its other backends and autovacuum included), 0 when its postmaster is unknown.
 */
export interface CpuSeconds {
  cpuSeconds: number;
  postgresCpuSeconds: number;
}

function postgresCpuSince(postmasterPid: number | undefined, before: number): number {
  return postmasterPid === undefined ? 0 : (postgresCpuMs(postmasterPid) - before) / 1000;
}

/** One export through the CLI (`npm run medpref -- export …`, the same node arguments) in its own process: seconds, rows, peak RSS. */
export async function timeCliExport(o: CliExportOptions): Promise<{ seconds: number; rows: number; peakRssMb: number } & CpuSeconds> {
  const postgresBefore = o.postmasterPid === undefined ? 0 : postgresCpuMs(o.postmasterPid);
  const t = performance.now();
  const child = spawn(
    process.execPath,
    medprefCliArgs(
      "export",
      "--project",
      o.project,
      "--format",
      o.format,
      "--strategy",
      o.strategy,
      "--file-type",
      o.fileType,
      "--out",
      o.out,
    ),
    {
      env: { ...process.env, DATABASE_URL: o.databaseUrl, MEDPREF_DATABASE_URL: "", LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  const peak = followPeakRss(child.pid!);
  // The child's CPU as last seen alive (sampled like its RSS: at most 20 ms of it go unseen).
  let childCpuMs = 0;
  const cpuTimer = setInterval(() => (childCpuMs = Math.max(childCpuMs, processCpuMs(child.pid!))), 20);
  child.on("exit", () => (childCpuMs = Math.max(childCpuMs, processCpuMs(child.pid!))));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  const seconds = (performance.now() - t) / 1000;
  clearInterval(cpuTimer);
  const peakRssMb = peak.stop();
  if (code !== 0) throw new Error(`export ${o.format} ${o.fileType} failed (${code}): ${stderr}`);
  const rows = Number(/: \d+ prompts, (\d+) rows/.exec(stdout)?.[1] ?? 0);
  return { seconds, rows, peakRssMb, cpuSeconds: childCpuMs / 1000, postgresCpuSeconds: postgresCpuSince(o.postmasterPid, postgresBefore) };
}

/**
 * The export's raw baseline: the prompt documents it streams, `COPY (SELECT …) TO STDOUT (FORMAT
 * binary)` through pg as the export reads them, the bytes counted and thrown away (not even decoded),
 * in a transaction like the export's (REPEATABLE READ, READ ONLY, no JIT), so both run the same
 * query under the same settings.
 */
export async function timeRawExportCopy(
  pool: pg.Pool,
  project: { id: string; slug: string },
  postmasterPid?: number,
): Promise<{ seconds: number; bytes: number } & CpuSeconds> {
  const client = await pool.connect();
  try {
    const postgresBefore = postmasterPid === undefined ? 0 : postgresCpuMs(postmasterPid);
    const cpuBefore = process.cpuUsage();
    const t = performance.now();
    let bytes = 0;
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    await client.query("SET LOCAL jit = off");
    const query = promptDocumentsQuery(client, { projectId: project.id, projectSlug: project.slug, sourceDatasets: [], promptTypes: [] });
    for await (const chunk of client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`, { highWaterMark: COPY_READ_AHEAD_BYTES })))
      bytes += (chunk as Buffer).length;
    await client.query("COMMIT");
    const seconds = (performance.now() - t) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    return {
      seconds,
      bytes,
      cpuSeconds: (cpu.user + cpu.system) / 1e6,
      postgresCpuSeconds: postgresCpuSince(postmasterPid, postgresBefore),
    };
  } catch (error) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}
