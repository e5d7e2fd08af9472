import { spawn, type ChildProcess } from "node:child_process";
import { createServer } from "node:net";
import { JOB_PROCESS, tsxArgs } from "@/lib/process/node-commands";

/** Helpers for tests that start, kill and watch processes (worker, supervisor, `npm start`). */

/** Whether a process with this pid is still alive (signal 0 checks without touching it). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Resolves with the exit code once the child has exited (at once if it already has). */
export function exitOf(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

/** Sends `signal` to the child (when still running) and waits until it has exited. */
export async function killAndWait(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): Promise<number | null> {
  const exited = exitOf(child);
  if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  return exited;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address() as { port: number };
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** `npm run worker` as its own process on the given database (stderr shown, for a test's failure). */
export function startWorkerProcess(databaseUrl: string, env: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, tsxArgs("scripts/worker.ts", [], JOB_PROCESS), {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      MEDPREF_DATABASE_URL: "",
      MEDPREF_WORKER_CONCURRENCY: "4",
      LOG_LEVEL: "silent",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
}
