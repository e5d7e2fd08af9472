import "../support/short-judge-timeout";
import { describe, expect, it } from "vitest";
import { db } from "@/lib/db/prisma";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { resumeJudgeRun, startJudgeRun } from "@/lib/judge/runs/judge-queue";
import type { FakeOpenAI } from "../support/fake-openai-server";
import { projectWithQualities, rankedModels, resultsOf, judgeRunHarness, waitForStatus } from "../support/judge-runs";
import { runProgress } from "@/lib/judge/runs/run-views";

/**
 * Faults of a judge endpoint during a run, one prompt per run so each fault meets a known call:
 * every fault is either retried until the ranking is right or recorded with what came back.
 */
const h = judgeRunHarness(2);

async function oneCallRun(...faults: Parameters<FakeOpenAI["script"]>) {
  const project = await projectWithQualities(1);
  const run = await createJudgeRun(
    {
      projectSlug: project.slug,
      name: "fault",
      endpointId: h.endpointId,
      model: "judge",
      templateId: h.templateId,
      permutations: 1,
      maxConcurrency: 1,
    },
    null,
  );
  h.fake.script(...faults);
  await startJudgeRun(h.worker.boss, run.id, null);
  const status = await waitForStatus(run.id, ["COMPLETED", "FAILED"], 45_000);
  const calls = await db().judgeCall.findMany({ where: { runId: run.id }, orderBy: { attempt: "asc" } });
  const rows = await resultsOf(run.id);
  const ranking = rows.length ? rankedModels(rows, rows[0]!.prompt_id, 0) : null;
  const unit = await db().judgeUnit.findFirstOrThrow({ where: { runId: run.id } });
  return { run, status, calls, ranking, unit };
}

const RIGHT = ["m1", "m3", "m0", "m2"];

describe("faults of the judge endpoint during a run", () => {
  it("429 with Retry-After: waited out and retried, one stored call", async () => {
    const r = await oneCallRun({ kind: "status", status: 429, retryAfterSeconds: 1 });
    expect(r.ranking).toEqual(RIGHT);
    expect(r.calls.map((c) => c.status)).toEqual(["SUCCEEDED"]);
  });

  it("500: retried with backoff", async () => {
    const r = await oneCallRun({ kind: "status", status: 500 }, { kind: "status", status: 500 });
    expect(r.ranking).toEqual(RIGHT);
    expect(r.unit.state).toBe("DONE");
  });

  it("malformed JSON, a ranking that misses or repeats a candidate: repaired, each invalid answer kept", async () => {
    for (const kind of ["malformed", "missing", "repeat"] as const) {
      const r = await oneCallRun({ kind });
      expect(r.ranking, kind).toEqual(RIGHT);
      expect(
        r.calls.map((c) => c.status),
        kind,
      ).toEqual(["FAILED", "SUCCEEDED"]);
      expect(r.calls[0]!.response, kind).not.toBeNull();
      // The repair round carries the invalid answer and a message naming the problem.
      const repair = (r.calls[1]!.request as { messages: { role: string; content: string }[] }).messages;
      expect(repair.at(-2)!.role).toBe("assistant");
      expect(repair.at(-1)!.content).toMatch(/could not be used/);
    }
  });

  it("prose around the JSON: extracted without a repair", async () => {
    const r = await oneCallRun({ kind: "prose" });
    expect(r.ranking).toEqual(RIGHT);
    expect(r.calls).toHaveLength(1);
  });

  it("invalid answers beyond the repair limit: the unit fails with every raw response kept, and a resume retries it", async () => {
    const r = await oneCallRun({ kind: "malformed" }, { kind: "missing" }, { kind: "repeat" });
    // Its only unit failed: the run failed, saying why.
    expect(r.status).toBe("FAILED");
    expect((await runProgress(r.run.id))!.pausedReason).toMatch(/^Every unit failed \(1 of 1\)\. Most frequent cause: /);
    expect(r.ranking).toBeNull();
    expect(r.unit.state).toBe("FAILED");
    expect(r.calls.map((c) => c.status)).toEqual(["FAILED", "FAILED", "FAILED"]);
    expect(r.calls.every((c) => c.response !== null && c.error)).toBe(true);
    expect(r.calls[1]!.error).toMatch(/leaves out Response/);
    expect(await runProgress(r.run.id)).toMatchObject({ failed: 1, done: 0 });
    await resumeJudgeRun(h.worker.boss, r.run.id, null);
    expect(await waitForStatus(r.run.id, ["COMPLETED"])).toBe("COMPLETED");
    expect(await runProgress(r.run.id)).toMatchObject({ failed: 0, done: 1 });
    expect((await db().judgeUnit.findFirstOrThrow({ where: { runId: r.run.id } })).state).toBe("DONE");
  });

  it("answers slower than the timeout, past the SDK's own retries: a transport failure recorded, then retried by the queue", async () => {
    // The SDK retries a timed-out request 4 times; five slow answers exhaust it.
    const r = await oneCallRun(...Array.from({ length: 5 }, () => ({ kind: "slow" as const, ms: 3_000 })));
    expect(r.ranking).toEqual(RIGHT);
    expect(r.calls.map((c) => c.status)).toEqual(["FAILED", "SUCCEEDED"]);
    expect(r.calls[0]!.error).toMatch(/timed out/i);
    expect(r.calls[0]!.response).toBeNull();
  });
});
