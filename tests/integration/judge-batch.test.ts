import "../support/fast-batch-poll";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHash } from "node:crypto";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { batchLine, BatchRequestMismatchError, callRequest } from "@/lib/judge/runs/batch-request";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { cancelJudgeRun, startJudgeRun } from "@/lib/judge/runs/judge-queue";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import {
  judgeSetup,
  projectWithQualities,
  rankedModels,
  resultsOf,
  startInProcessWorker,
  waitFor,
  waitForStatus,
} from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";

let fake: FakeOpenAI;
let worker: Awaited<ReturnType<typeof startInProcessWorker>>;
let endpointId: string;
let templateId: string;

async function startWorker() {
  worker = await startInProcessWorker(2);
}
async function stopWorker() {
  await worker.stop();
}

beforeAll(async () => {
  await useFreshDatabase();
  fake = await startFakeOpenAI();
  ({ endpointId, templateId } = await judgeSetup(fake.url, { supportsBatch: true, supportsStructuredOutput: true }));
  await startWorker();
});
afterAll(async () => {
  await stopWorker();
  await fake.close();
});

describe("OpenAI Batch mode", () => {
  it("uploads the JSONL, creates the batch, survives a restart, ingests output and error files, repairs invalid answers in a follow-up batch", async () => {
    const project = await projectWithQualities(10);
    const run = await createJudgeRun(
      { projectSlug: project.slug, name: "batch", endpointId, model: "judge", templateId, permutations: 2, mode: "BATCH" },
      null,
    );
    fake.holdBatches(true);
    // Line 1 answers with a broken ranking (repaired in the next batch), line 2 fails with a 500 (retried).
    fake.script({ kind: "missing" }, { kind: "status", status: 500 });
    await startJudgeRun(worker.boss, run.id, null);
    await waitFor(async () => (await db().judgeBatch.count({ where: { runId: run.id, remoteBatchId: { not: null } } })) === 1);
    expect(fake.calls).toHaveLength(0);

    // The worker stops while the batch is in progress; a new one takes over from the stored batch id.
    await stopWorker();
    fake.holdBatches(false);
    await startWorker();
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"], 60_000)).toBe("COMPLETED");

    const batches = await db().judgeBatch.findMany({ where: { runId: run.id }, orderBy: { createdAt: "asc" } });
    expect(batches.map((b) => b.requestCount)).toEqual([20, 2]);
    expect(batches.every((b) => b.status === "completed" && b.outputFileId && b.finishedAt)).toBe(true);
    expect(fake.batches.size).toBe(2);
    expect(fake.batchLines).toHaveLength(22);
    expect(fake.calls).toHaveLength(0);
    // Structured Outputs were requested in the batch lines, and the repair line carries the invalid answer.
    expect(fake.batchLines[0]!.body.response_format?.type).toBe("json_schema");
    const repair = fake.batchLines.slice(20).find((l) => l.body.messages.length > 2)!;
    expect(repair.body.messages.at(-1)!.content).toMatch(/leaves out Response/);

    const rows = await resultsOf(run.id);
    for (const promptId of new Set(rows.map((r) => r.prompt_id)))
      for (const perm of [0, 1]) expect(rankedModels(rows, promptId, perm)).toEqual(["m1", "m3", "m0", "m2"]);
    expect(new Set(rows.map((r) => `${r.prompt_id}:${r.permutation_index}`)).size).toBe(20);
    const calls = await db().judgeCall.findMany({ where: { runId: run.id } });
    expect(calls).toHaveLength(22);
    expect(calls.every((c) => c.batchId !== null)).toBe(true);
    expect(
      calls
        .filter((c) => c.status === "FAILED")
        .map((c) => c.error)
        .sort(),
    ).toEqual([expect.stringMatching(/batch error: scripted 500/), expect.stringMatching(/leaves out/)].sort());
    // Half price: the same tokens cost half what the real-time price list says.
    const ok = calls.find((c) => c.status === "SUCCEEDED")!;
    expect(ok.costUsd).toBeCloseTo(((ok.inputTokens! * 1 + ok.outputTokens! * 2) / 1_000_000) * 0.5, 12);
  });

  it("cancels the remote batch with the run", async () => {
    const project = await projectWithQualities(3);
    const run = await createJudgeRun(
      { projectSlug: project.slug, name: "cancelled batch", endpointId, model: "judge", templateId, permutations: 1, mode: "BATCH" },
      null,
    );
    fake.holdBatches(true);
    await startJudgeRun(worker.boss, run.id, null);
    await waitFor(async () => (await db().judgeBatch.count({ where: { runId: run.id, remoteBatchId: { not: null } } })) === 1);
    await cancelJudgeRun(run.id, null);
    const batch = await db().judgeBatch.findFirstOrThrow({ where: { runId: run.id } });
    expect(fake.batches.get(batch.remoteBatchId!)!.status).toBe("cancelled");
    expect(batch.status).toBe("cancelled");
    fake.holdBatches(false);
    expect((await db().judgeRun.findUniqueOrThrow({ where: { id: run.id } })).status).toBe("CANCELLED");
    expect(await db().ranking.count({ where: { judgeRunId: run.id } })).toBe(0);
  });

  it("sends a line that failed on the provider's side again as the original request, and repairs only invalid answers", async () => {
    const project = await projectWithQualities(2);
    const run = await createJudgeRun(
      { projectSlug: project.slug, name: "provider failure", endpointId, model: "judge", templateId, permutations: 1, mode: "BATCH" },
      null,
    );
    const before = fake.batchLines.length;
    // Line 1 fails on the provider's side (HTTP 500); line 2 answers with a ranking that leaves a candidate out.
    fake.script({ kind: "status", status: 500 }, { kind: "missing" });
    await startJudgeRun(worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"], 60_000)).toBe("COMPLETED");
    const lines = fake.batchLines.slice(before);
    expect(lines).toHaveLength(4);
    const [failed, invalid] = lines.slice(0, 2);
    const again = lines.slice(2).find((l) => l.custom_id === failed!.custom_id)!;
    const repaired = lines.slice(2).find((l) => l.custom_id === invalid!.custom_id)!;
    // The retry is byte for byte the request that failed: system and user message, no empty assistant turn.
    expect(again.body).toEqual(failed!.body);
    expect(again.body.messages.map((m) => m.role)).toEqual(["system", "user"]);
    // The invalid answer is repaired: the answer itself, then the repair message.
    expect(repaired.body.messages.map((m) => m.role)).toEqual(["system", "user", "assistant", "user"]);
    expect((JSON.parse(repaired.body.messages[2]!.content) as { ranking: unknown[] }).ranking).toHaveLength(3);
    expect(repaired.body.messages[3]!.content).toMatch(/^Your answer could not be used: the ranking leaves out Response/);
    expect(await db().ranking.count({ where: { judgeRunId: run.id } })).toBe(2);
  });

  it("stores a reference to each line sent, not the request, and renders the request again byte for byte, repairs included", async () => {
    const project = await projectWithQualities(3);
    const run = await createJudgeRun(
      { projectSlug: project.slug, name: "re-rendered", endpointId, model: "judge", templateId, permutations: 2, mode: "BATCH" },
      null,
    );
    // Line 1 answers with a broken ranking (its repair is a second call), line 2 fails on the provider's side.
    fake.script({ kind: "missing" }, { kind: "status", status: 500 });
    await startJudgeRun(worker.boss, run.id, null);
    expect(await waitForStatus(run.id, ["COMPLETED", "FAILED"], 60_000)).toBe("COMPLETED");

    const { rows: calls } = await pool().query<{
      id: string;
      prompt_id: string;
      permutation_index: number;
      attempt: number;
      stored: boolean;
      batch_line: number;
      request_sha256: Buffer;
      input_file_id: string;
    }>(
      `SELECT c.id, c.prompt_id, c.permutation_index, c.attempt, c.request IS NOT NULL AS stored, c.batch_line, c.request_sha256, b.input_file_id
         FROM judge_calls c JOIN judge_batches b ON b.id = c.batch_id WHERE c.run_id = $1 ORDER BY b.created_at, c.batch_line`,
      [run.id],
    );
    expect(calls.map((c) => [c.batch_line, c.attempt, c.stored])).toEqual([
      [0, 1, false],
      [1, 1, false],
      [2, 1, false],
      [3, 1, false],
      [4, 1, false],
      [5, 1, false],
      [0, 2, false],
      [1, 2, false],
    ]);
    for (const c of calls) {
      // The line the test server received for this call: its exact bytes and their SHA-256.
      const received = fake.fileText(c.input_file_id)!.split("\n")[c.batch_line]!;
      expect(createHash("sha256").update(received).digest().equals(c.request_sha256)).toBe(true);
      const shown = await callRequest(c.id);
      if (shown.source !== "re-rendered") throw new Error("a Batch call's request is re-rendered");
      expect(Buffer.from(batchLine(c.prompt_id, c.permutation_index, shown.request))).toEqual(Buffer.from(received));
      expect(shown).toMatchObject({ sha256: c.request_sha256.toString("hex"), inputFileId: c.input_file_id, line: c.batch_line });
    }
    // The second attempts: a repair (the broken answer, then the repair message) and the same request again.
    const roles = await Promise.all(
      calls.filter((c) => c.attempt === 2).map(async (c) => (await callRequest(c.id)).request as { messages: { role: string }[] }),
    );
    expect(roles.map((r) => r.messages.map((m) => m.role)).sort()).toEqual([
      ["system", "user"],
      ["system", "user", "assistant", "user"],
    ]);

    // Templates are immutable versions: an edit is refused, so the hash still matches.
    await expect(pool().query(`UPDATE judge_templates SET user_template = 'changed' WHERE id = $1`, [templateId])).rejects.toThrow(
      /immutable/,
    );
    expect((await callRequest(calls[0]!.id)).source).toBe("re-rendered");
    // A candidate's text changed behind MedPref's back: the request no longer renders as sent, and says so.
    await pool().query(`UPDATE completions SET text = text || ' (edited)' WHERE prompt_id = $1 AND position = 0`, [calls[0]!.prompt_id]);
    const mismatch = await callRequest(calls[0]!.id).catch((e: unknown) => e);
    expect(mismatch).toBeInstanceOf(BatchRequestMismatchError);
    expect((mismatch as Error).message).toMatch(
      new RegExp(
        `^The request of call ${calls[0]!.id} \\(line 1 of its batch's input file\\) cannot be shown: .* ${calls[0]!.request_sha256.toString("hex")}\\.`,
      ),
    );
  });
});
