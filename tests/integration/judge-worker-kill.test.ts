import { spawn, type ChildProcess } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { startJudgeRun } from "@/lib/judge/runs/judge-queue";
import { startQueue, stopQueue } from "@/lib/jobs/queue";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import { judgeSetup, projectWithQualities, waitFor, waitForStatus } from "../support/judge-runs";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { killAndWait } from "../support/processes";
import { useFreshDatabase } from "../support/test-database";
import { runProgress } from "@/lib/judge/runs/run-views";
import { JOB_PROCESS, tsxArgs } from "@/lib/process/node-commands";

let databaseUrl: string;
let fake: FakeOpenAI;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
  fake = await startFakeOpenAI({ delayMs: 250 });
});
afterAll(async () => {
  for (const w of workers) w.kill("SIGKILL");
  await stopQueue();
  await fake.close();
});

/** `npm run worker` as its own process, on the test database. */
function startWorker(): ChildProcess {
  const child = spawn(process.execPath, tsxArgs("scripts/worker.ts", [], JOB_PROCESS), {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      MEDPREF_DATABASE_URL: "",
      MEDPREF_WORKER_CONCURRENCY: "4",
      LOG_LEVEL: "silent",
      MEDPREF_KEY_TEST_RUN: "sk-run-test",
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  workers.push(child);
  return child;
}

describe("a worker killed mid-run", () => {
  it("loses nothing and pays for nothing twice: after a restart every (prompt, permutation) has exactly one result", async () => {
    const { endpointId, templateId } = await judgeSetup(fake.url);
    const project = await projectWithQualities(30);
    const run = await createJudgeRun(
      { projectSlug: project.slug, name: "killed", endpointId, model: "judge", templateId, permutations: 2, maxConcurrency: 4 },
      null,
    );
    await startJudgeRun(await startQueue(), run.id, null);
    const first = startWorker();
    const stored = async () => await db().ranking.count({ where: { judgeRunId: run.id } });
    await waitFor(async () => (await stored()) >= 16, 60_000);

    await killAndWait(first);
    // Calls the dead worker made but whose result it did not store may be made again, nothing else.
    const callsAtKill = fake.calls.length;
    const storedAtKill = await stored();
    const inFlightAtKill = callsAtKill - storedAtKill;
    expect(storedAtKill).toBeLessThan(60);

    startWorker();
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"], 90_000)).toBe("COMPLETED");
    const { rows } = await pool().query<{ prompt_id: string; permutation_index: number; n: number }>(
      `SELECT prompt_id, permutation_index, count(*)::int AS n FROM rankings WHERE judge_run_id = $1 GROUP BY 1, 2`,
      [run.id],
    );
    expect(rows).toHaveLength(60);
    expect(rows.every((r) => r.n === 1)).toBe(true);
    expect(fake.calls.length).toBeLessThanOrEqual(60 + inFlightAtKill);
    expect(await db().judgeUnit.count({ where: { runId: run.id, state: "DONE" } })).toBe(60);
    expect(await runProgress(run.id)).toMatchObject({ done: 60, failed: 0, pending: 0 });
  }, 180_000);

  it("never under-counts spend: requests the dead worker sent but never recorded are counted as possibly paid, apart", async () => {
    // Only this test's worker may work on the run: the earlier test's worker goes first.
    for (const w of workers.splice(0)) await killAndWait(w);
    await pool().query(`UPDATE judge_runs SET status = 'CANCELLED' WHERE status IN ('QUEUED', 'RUNNING', 'PAUSED')`);
    // Prompts of their own, so the endpoint's log tells this run's requests apart.
    const project = await makeProject();
    await importText(
      project.id,
      jsonl(
        Array.from({ length: 20 }, (_, i) => ({
          prompt: `Kill-count prompt ${i}`,
          completions: [3, 9, 1, 6].map((q, j) => ({ model: `m${j}`, text: `Answer ${j} of ${i} [[q=${q}]]` })),
        })),
      ),
    );
    const sentForRun = () => fake.calls.filter((c) => JSON.stringify(c.body.messages).includes("Kill-count prompt")).length;
    const { endpointId, templateId } = await judgeSetup(fake.url, { name: "kill-count" });
    const run = await createJudgeRun(
      {
        projectSlug: project.slug,
        name: "killed while sending",
        endpointId,
        model: "judge",
        templateId,
        permutations: 2,
        maxConcurrency: 4,
      },
      null,
    );
    await startJudgeRun(await startQueue(), run.id, null);
    const worker = startWorker();
    // Killed while requests are out: the endpoint has received them, the worker has not recorded them.
    await waitFor(async () => (await db().ranking.count({ where: { judgeRunId: run.id } })) >= 8 && fake.inFlight() > 0, 60_000);
    await killAndWait(worker);
    const sentAtKill = sentForRun();
    await waitFor(async () => (await runProgress(run.id))!.possiblyPaid !== null, 60_000);
    const atKill = (await runProgress(run.id))!;
    // The recorded spend alone misses the requests in flight; with them nothing is missing.
    expect(atKill.callsMade).toBeLessThan(sentAtKill);
    expect(atKill.callsMade + atKill.possiblyPaid!.calls).toBeGreaterThanOrEqual(sentAtKill);
    expect(atKill.possiblyPaid!.calls).toBeLessThanOrEqual(4);
    expect(atKill.possiblyPaid!.tokens).toBeGreaterThan(0);
    expect(atKill.possiblyPaid!.costUsd).toBeGreaterThan(0);

    startWorker();
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"], 90_000)).toBe("COMPLETED");
    // A dead worker's job retried under the same id holds its lock again until its handler returns,
    // which can be just after the run's last unit is recorded: its orphaned sends count once it has.
    await waitFor(async () => (await runProgress(run.id))!.possiblyPaid?.calls === atKill.possiblyPaid!.calls, 30_000).catch(
      () => undefined,
    );
    const finished = (await runProgress(run.id))!;
    const sent = sentForRun();
    expect(finished.possiblyPaid!.calls).toBe(atKill.possiblyPaid!.calls);
    expect(finished.callsMade).toBeLessThanOrEqual(sent);
    expect(finished.callsMade + finished.possiblyPaid!.calls).toBeGreaterThanOrEqual(sent);
    expect(finished.done).toBe(40);
  }, 180_000);
});
