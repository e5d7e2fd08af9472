import { spawn, type ChildProcess } from "node:child_process";

/**
 * Keeps a few child processes running (`npm start`: the web server and the worker). A child that
 * dies is restarted after a backoff, and the others keep running; only stop() ends them all.
 */
export interface ServiceSpec {
  name: string;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export interface BackoffPolicy {
  /** Wait before the first restart after a crash. */
  initialMs: number;
  /** Each further crash in a row doubles the wait, up to this. */
  maxMs: number;
  /** A child that ran this long before dying was healthy: its backoff starts over. */
  healthyAfterMs: number;
}

export const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, healthyAfterMs: 60_000 };

/** Crashes in a row, counting this one: reset when the child had been running long enough. */
export function crashesInARow(previous: number, ranForMs: number, policy: BackoffPolicy): number {
  return ranForMs >= policy.healthyAfterMs ? 1 : previous + 1;
}

/** Wait before restarting after the n-th crash in a row (n ≥ 1). */
export function restartDelayMs(crashes: number, policy: BackoffPolicy): number {
  return Math.min(policy.maxMs, policy.initialMs * 2 ** Math.max(0, crashes - 1));
}

interface Running {
  spec: ServiceSpec;
  child?: ChildProcess;
  startedAt: number;
  crashes: number;
  restartTimer?: NodeJS.Timeout;
}

export class Supervisor {
  private readonly services = new Map<string, Running>();
  private stopping = false;

  constructor(
    specs: ServiceSpec[],
    private readonly options: {
      log: (line: string) => void;
      backoff?: BackoffPolicy;
      stdio?: "inherit" | "ignore";
      stopTimeoutMs?: number;
    },
  ) {
    for (const spec of specs) this.services.set(spec.name, { spec, startedAt: 0, crashes: 0 });
  }

  start(): void {
    for (const service of this.services.values()) this.launch(service);
  }

  /** The pid of a service's current process (undefined while it waits to be restarted). */
  pid(name: string): number | undefined {
    return this.services.get(name)?.child?.pid;
  }

  /** SIGTERM to every child, SIGKILL to those still running after the timeout; no more restarts. */
  async stop(): Promise<void> {
    this.stopping = true;
    const exits = [...this.services.values()].map((service) => {
      clearTimeout(service.restartTimer);
      const child = service.child;
      if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
        setTimeout(() => child.kill("SIGKILL"), this.options.stopTimeoutMs ?? 15_000).unref();
      });
    });
    await Promise.all(exits);
  }

  private launch(service: Running): void {
    const { spec } = service;
    const child = spawn(spec.command, spec.args, { stdio: this.options.stdio ?? "inherit", env: spec.env });
    service.child = child;
    service.startedAt = Date.now();
    child.on("error", (err) => this.options.log(`${spec.name} could not start: ${err.message}`));
    child.on("exit", (code, signal) => {
      service.child = undefined;
      if (this.stopping) return;
      const policy = this.options.backoff ?? DEFAULT_BACKOFF;
      service.crashes = crashesInARow(service.crashes, Date.now() - service.startedAt, policy);
      const delay = restartDelayMs(service.crashes, policy);
      this.options.log(
        `${spec.name} exited (${signal ?? `code ${code}`}); restarting it in ${(delay / 1000).toFixed(1)} s (crash ${service.crashes} in a row).`,
      );
      service.restartTimer = setTimeout(() => {
        if (!this.stopping) this.launch(service);
      }, delay);
    });
  }
}
