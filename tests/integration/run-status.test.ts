import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunStatus } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { runUnitJob } from "@/lib/jobs/jobs";
import { startQueue, stopQueue } from "@/lib/jobs/queue";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { nextRunStatus, RUN_STATUSES, RUN_TRANSITIONS, type RunTransition } from "@/lib/judge/runs/run-state";
import { changeRunStatus, settleRunIfDone, type RunStatusChange } from "@/lib/judge/runs/run-status";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import { judgeSetup, projectWithQualities } from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";

/** The one writer of judge_runs.status on a real database: it writes what the table allows and reports what it refuses. */
let fake: FakeOpenAI;
let runId: string;

beforeAll(async () => {
  await useFreshDatabase();
  fake = await startFakeOpenAI();
  const { endpointId, templateId } = await judgeSetup(fake.url);
  const project = await projectWithQualities(2);
  ({ id: runId } = await createJudgeRun(
    { projectSlug: project.slug, name: "states", endpointId, model: "judge", templateId, permutations: 1 },
    null,
  ));
});
afterAll(async () => {
  await stopQueue();
  await fake.close();
});

const change = (t: RunTransition): RunStatusChange =>
  t === "pause" || t === "budgetPause" || t === "fail" ? { transition: t, reason: `reason of ${t}` } : { transition: t };

async function runRow() {
  const { rows } = await pool().query<{
    status: RunStatus;
    paused_reason: string | null;
    finished: boolean;
    generation: number | null;
  }>(
    `SELECT status, paused_reason, finished_at IS NOT NULL AS finished, (config->>'generation')::int AS generation FROM judge_runs WHERE id = $1`,
    [runId],
  );
  return rows[0]!;
}

const setStatus = (status: RunStatus) =>
  pool().query(`UPDATE judge_runs SET status = $2::run_status, finished_at = NULL, paused_reason = NULL WHERE id = $1`, [runId, status]);
const setUnits = (state: "PENDING" | "DONE" | "FAILED") =>
  pool().query(`UPDATE judge_units SET state = $2::unit_state WHERE run_id = $1`, [runId, state]);

describe("the writer of a run's status", () => {
  it("applies every transition the table allows and refuses every other, reporting where the run stays", async () => {
    await setUnits("DONE");
    for (const transition of Object.keys(RUN_TRANSITIONS) as RunTransition[])
      for (const from of RUN_STATUSES) {
        await setStatus(from);
        const expected = nextRunStatus(from, transition);
        const written = await changeRunStatus(pool(), runId, change(transition));
        expect({ transition, from, written }).toEqual({
          transition,
          from,
          written: expected ? { changed: true, status: expected } : { changed: false, status: from },
        });
        expect((await runRow()).status).toBe(expected ?? from);
      }
  });

  it("writes what goes with each transition: the reason of a pause or failure, the end time, a new job generation on resume", async () => {
    await setStatus("RUNNING");
    await changeRunStatus(pool(), runId, { transition: "budgetPause", reason: "The calls budget is spent; raise it and resume." });
    expect(await runRow()).toMatchObject({
      status: "PAUSED",
      paused_reason: "The calls budget is spent; raise it and resume.",
      finished: false,
    });
    const before = (await runRow()).generation ?? 0;
    await changeRunStatus(pool(), runId, { transition: "resume" });
    expect(await runRow()).toEqual({ status: "RUNNING", paused_reason: null, finished: false, generation: before + 1 });
    await changeRunStatus(pool(), runId, { transition: "fail", reason: "Three batches failed or expired; see the batches below." });
    expect(await runRow()).toMatchObject({
      status: "FAILED",
      paused_reason: "Three batches failed or expired; see the batches below.",
      finished: true,
    });
    await changeRunStatus(pool(), runId, { transition: "resume" });
    expect(await runRow()).toEqual({ status: "RUNNING", paused_reason: null, finished: false, generation: before + 2 });
  });

  it("completes a run only when no unit is pending, and reports the refusal otherwise", async () => {
    await setStatus("RUNNING");
    await setUnits("PENDING");
    expect(await changeRunStatus(pool(), runId, { transition: "complete" })).toEqual({ changed: false, status: "RUNNING" });
    expect(await settleRunIfDone(pool(), runId)).toEqual({ changed: false, status: "RUNNING" });
    await setUnits("DONE");
    expect(await settleRunIfDone(pool(), runId)).toEqual({ changed: true, status: "COMPLETED" });
    expect(await runRow()).toMatchObject({ status: "COMPLETED", paused_reason: null, finished: true });
  });

  it("settles a run whose every unit failed as failed, saying so", async () => {
    await setStatus("RUNNING");
    await setUnits("FAILED");
    expect(await settleRunIfDone(pool(), runId)).toEqual({ changed: true, status: "FAILED" });
    expect((await runRow()).paused_reason).toBe("Every unit failed (2 of 2). Most frequent cause: unknown");
  });

  it("reports a run that does not exist as such", async () => {
    expect(await changeRunStatus(pool(), "00000000-0000-4000-8000-000000000000", { transition: "cancel" })).toEqual({
      changed: false,
      status: null,
    });
  });
});

describe("a run unit's job", () => {
  it("is refused when sent with a payload that does not match, naming the field, and nothing is queued", async () => {
    const boss = await startQueue();
    const bad = { kind: "JUDGE", runId, promptId: "not-an-id", permutation: 0 } as const;
    await expect(runUnitJob.send(boss, bad)).rejects.toThrow('The payload of a "judge-call" job is invalid: promptId: not a prompt id');
    const { rows } = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM pgboss.job WHERE name = 'judge-call'`);
    expect(rows[0]!.n).toBe(0);
  });

  it("reads jobs stored in the shape before kinds had their own fields", () => {
    const promptId = "11111111-1111-4111-8111-111111111111";
    expect(runUnitJob.parse({ runId, promptId, permutation: 2 })).toEqual({ kind: "JUDGE", runId, promptId, permutation: 2 });
    expect(runUnitJob.parse({ runId, promptId, permutation: 1, kind: "JUDGE" })).toEqual({
      kind: "JUDGE",
      runId,
      promptId,
      permutation: 1,
    });
    expect(runUnitJob.parse({ runId, promptId, permutation: 3, kind: "GENERATE" })).toEqual({
      kind: "GENERATE",
      runId,
      promptId,
      modelIndex: 3,
    });
    expect(runUnitJob.parse({ runId, promptId, modelIndex: 3, kind: "GENERATE" })).toEqual({
      kind: "GENERATE",
      runId,
      promptId,
      modelIndex: 3,
    });
    expect(() => runUnitJob.parse({ runId, promptId, kind: "GENERATE" })).toThrow(/modelIndex/);
  });
});
