import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startQueue, stopQueue } from "@/lib/jobs/queue";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { startJudgeRun } from "@/lib/judge/runs/judge-queue";
import { Supervisor } from "@/lib/process/supervisor";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import { judgeSetup, projectWithQualities, waitFor, waitForStatus } from "../support/judge-runs";
import { freePort, isAlive } from "../support/processes";
import { useFreshDatabase } from "../support/test-database";
import { JOB_PROCESS, tsxArgs } from "@/lib/process/node-commands";

/**
 * `npm start`'s supervision with the real worker (scripts/worker.ts) on a real PostgreSQL. The web
 * service is a small HTTP server answering its own pid: the production web server needs a
 * `next build`, which the e2e tests cover; here what matters is what the supervisor does.
 */
let fake: FakeOpenAI;
let supervisor: Supervisor;
let webPort: number;
let judge: { endpointId: string; templateId: string };
const log: string[] = [];

/** The pid of the process answering on the web port, or null while none does. */
async function webAnswers(): Promise<number | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${webPort}/`);
    return Number(await res.text());
  } catch {
    return null;
  }
}

async function judgeRunCompletes(name: string) {
  const project = await projectWithQualities(2);
  const run = await createJudgeRun(
    {
      projectSlug: project.slug,
      name,
      endpointId: judge.endpointId,
      model: "judge",
      templateId: judge.templateId,
      permutations: 1,
      maxConcurrency: 2,
    },
    null,
  );
  await startJudgeRun(await startQueue(), run.id, null);
  return waitForStatus(run.id, ["COMPLETED", "FAILED"], 120_000);
}

beforeAll(async () => {
  const databaseUrl = await useFreshDatabase();
  fake = await startFakeOpenAI();
  judge = await judgeSetup(fake.url);
  webPort = await freePort();
  const env = { ...process.env, DATABASE_URL: databaseUrl, MEDPREF_DATABASE_URL: "", LOG_LEVEL: "silent" };
  supervisor = new Supervisor(
    [
      {
        name: "web",
        command: process.execPath,
        args: ["-e", `require("node:http").createServer((q, s) => s.end(String(process.pid))).listen(${webPort}, "127.0.0.1")`],
        env,
      },
      {
        name: "worker",
        command: process.execPath,
        args: tsxArgs(path.join("scripts", "worker.ts"), [], JOB_PROCESS),
        env: { ...env, MEDPREF_PROCESS: "worker", MEDPREF_WORKER_CONCURRENCY: "2" },
      },
    ],
    { log: (line) => log.push(line), backoff: { initialMs: 100, maxMs: 1_000, healthyAfterMs: 60_000 }, stdio: "ignore" },
  );
  supervisor.start();
  await waitFor(async () => (await webAnswers()) !== null);
});

afterAll(async () => {
  await supervisor?.stop();
  await stopQueue();
  await fake?.close();
});

describe("npm start's supervisor", () => {
  it("after kill -9 of the worker, the web server still answers and a new worker runs the queued work", async () => {
    expect(await judgeRunCompletes("before the kill")).toBe("COMPLETED");
    const web = supervisor.pid("web")!;
    const worker = supervisor.pid("worker")!;

    process.kill(worker, "SIGKILL");
    await waitFor(async () => !isAlive(worker));
    expect(await webAnswers()).toBe(web);

    // Queued while no worker runs; the restarted one picks it up.
    expect(await judgeRunCompletes("after the kill")).toBe("COMPLETED");
    expect(supervisor.pid("worker")).not.toBe(worker);
    expect(supervisor.pid("web")).toBe(web);
    expect(await webAnswers()).toBe(web);
    expect(log).toEqual(["worker exited (SIGKILL); restarting it in 0.1 s (crash 1 in a row)."]);
  }, 300_000);

  it("restarts a web server that dies, and leaves the worker running", async () => {
    const web = supervisor.pid("web")!;
    const worker = supervisor.pid("worker")!;
    process.kill(web, "SIGKILL");
    await waitFor(async () => {
      const answeredBy = await webAnswers();
      return answeredBy !== null && answeredBy !== web;
    });
    expect(await webAnswers()).toBe(supervisor.pid("web"));
    expect(supervisor.pid("worker")).toBe(worker);
    expect(log.at(-1)).toBe("web exited (SIGKILL); restarting it in 0.1 s (crash 1 in a row).");
  }, 60_000);

  it("stops both on stop() and restarts neither", async () => {
    const pids = [supervisor.pid("web")!, supervisor.pid("worker")!];
    await supervisor.stop();
    expect(pids.map(isAlive)).toEqual([false, false]);
    expect(await webAnswers()).toBeNull();
  }, 60_000);
});
