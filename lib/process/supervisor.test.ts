import { afterEach, describe, expect, it } from "vitest";
import { crashesInARow, DEFAULT_BACKOFF, restartDelayMs, Supervisor } from "@/lib/process/supervisor";

describe("restart backoff", () => {
  it("doubles from 1 s up to 30 s for crashes in a row", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 20].map((n) => restartDelayMs(n, DEFAULT_BACKOFF))).toEqual([
      1_000, 2_000, 4_000, 8_000, 16_000, 30_000, 30_000, 30_000,
    ]);
  });
  it("starts over once a child had run for a minute", () => {
    expect(crashesInARow(5, 59_999, DEFAULT_BACKOFF)).toBe(6);
    expect(crashesInARow(5, 60_000, DEFAULT_BACKOFF)).toBe(1);
    expect(crashesInARow(0, 10, DEFAULT_BACKOFF)).toBe(1);
  });
});

describe("supervisor", () => {
  let supervisor: Supervisor | undefined;
  afterEach(async () => {
    await supervisor?.stop();
  });

  async function until(condition: () => boolean) {
    while (!condition()) await new Promise((r) => setTimeout(r, 20));
  }
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  const idle = { command: process.execPath, args: ["-e", "setInterval(() => {}, 1000)"], env: process.env };

  it("restarts a child killed with SIGKILL, logs it, and leaves the other running", async () => {
    const log: string[] = [];
    supervisor = new Supervisor(
      [
        { name: "web", ...idle },
        { name: "worker", ...idle },
      ],
      { log: (l) => log.push(l), backoff: { initialMs: 10, maxMs: 100, healthyAfterMs: 60_000 }, stdio: "ignore" },
    );
    supervisor.start();
    const web = supervisor.pid("web")!;
    const worker = supervisor.pid("worker")!;
    process.kill(worker, "SIGKILL");
    await until(() => supervisor!.pid("worker") !== undefined && supervisor!.pid("worker") !== worker);
    expect(supervisor.pid("web")).toBe(web);
    expect(alive(web)).toBe(true);
    expect(log).toEqual(["worker exited (SIGKILL); restarting it in 0.0 s (crash 1 in a row)."]);
  });

  it("stop() ends every child and restarts none", async () => {
    supervisor = new Supervisor(
      [
        { name: "a", ...idle },
        { name: "b", ...idle },
      ],
      { log: () => undefined, stdio: "ignore" },
    );
    supervisor.start();
    const pids = [supervisor.pid("a")!, supervisor.pid("b")!];
    await supervisor.stop();
    expect(pids.map(alive)).toEqual([false, false]);
    expect([supervisor.pid("a"), supervisor.pid("b")]).toEqual([undefined, undefined]);
  });
});
