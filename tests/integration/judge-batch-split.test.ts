import { createHash } from "node:crypto";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type PgBoss from "pg-boss";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { startQueue, stopQueue } from "@/lib/jobs/queue";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { batchLine } from "@/lib/judge/runs/batch-request";
import { pollJudgeBatches, setBatchLimits } from "@/lib/judge/runs/batch-run";
import { startJudgeRun } from "@/lib/judge/runs/judge-queue";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import { judgeSetup, projectWithQualities, rankedModels, resultsOf } from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";

// The poll job is driven by hand here (no worker): each poll is one step the test can look at.
let fake: FakeOpenAI;
let boss: PgBoss;
let endpointId: string;
let templateId: string;

beforeAll(async () => {
  await useFreshDatabase();
  fake = await startFakeOpenAI();
  ({ endpointId, templateId } = await judgeSetup(fake.url, { supportsBatch: true }));
  boss = await startQueue();
});
afterEach(() => setBatchLimits(null));
afterAll(async () => {
  await stopQueue();
  await fake.close();
});

async function batchRun(prompts: number, name: string) {
  const project = await projectWithQualities(prompts);
  const run = await createJudgeRun(
    { projectSlug: project.slug, name, endpointId, model: "judge", templateId, permutations: 2, mode: "BATCH" },
    null,
  );
  return run.id;
}

async function storedCounts(runId: string) {
  const { rows } = await pool().query<{ calls: number; units: number; rankings: number; spent: number; done: number }>(
    `SELECT (SELECT count(*)::int FROM judge_calls WHERE run_id = $1) AS calls,
            (SELECT count(DISTINCT (prompt_id, permutation_index))::int FROM judge_calls WHERE run_id = $1) AS units,
            (SELECT count(*)::int FROM rankings WHERE judge_run_id = $1) AS rankings,
            (SELECT coalesce(sum(calls), 0)::int FROM judge_run_spend WHERE run_id = $1) AS spent,
            (SELECT count(*)::int FROM judge_units WHERE run_id = $1 AND state = 'DONE') AS done`,
    [runId],
  );
  return rows[0]!;
}

describe("Batch mode at scale: input files by the provider's limits, several batches in flight", () => {
  it("splits 10 requests into files of 3, submits all four at once, and stores every verdict once although an ingestion broke off", async () => {
    setBatchLimits({ files: { maxRequests: 3, maxBytes: 200 * 1024 * 1024 }, pageLines: 2 });
    const runId = await batchRun(5, "split by requests");
    fake.holdBatches(true);
    await startJudgeRun(boss, runId, null);
    expect(await pollJudgeBatches(runId)).toBe("again");

    const batches = await db().judgeBatch.findMany({ where: { runId }, orderBy: { createdAt: "asc" } });
    expect(batches.map((b) => b.requestCount)).toEqual([3, 3, 3, 1]);
    // All four are in flight together.
    expect(batches.map((b) => fake.batches.get(b.remoteBatchId!)!.status)).toEqual([
      "in_progress",
      "in_progress",
      "in_progress",
      "in_progress",
    ]);
    const inputLines = batches.map((b) => fake.fileText(b.inputFileId!)!.split("\n").filter(Boolean).length);
    expect(inputLines).toEqual([3, 3, 3, 1]);
    // Units were read two at a time (pages that end inside a file and a file that ends inside a
    // page): every line is recorded once, with its number in its own file and its bytes' hash.
    const recorded = await pool().query<{ batch_id: string; line: number; request_sha256: Buffer }>(
      `SELECT l.batch_id, l.line, l.request_sha256 FROM judge_batch_lines l JOIN judge_batches b ON b.id = l.batch_id
        WHERE b.run_id = $1 ORDER BY b.created_at, l.line`,
      [runId],
    );
    expect(recorded.rows.map((l) => [batches.findIndex((b) => b.id === l.batch_id), l.line])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      [1, 0],
      [1, 1],
      [1, 2],
      [2, 0],
      [2, 1],
      [2, 2],
      [3, 0],
    ]);
    for (const l of recorded.rows) {
      const sent = fake.fileText(batches.find((b) => b.id === l.batch_id)!.inputFileId!)!.split("\n")[l.line]!;
      expect(createHash("sha256").update(sent).digest().toString("hex")).toBe(l.request_sha256.toString("hex"));
    }

    // The first output file (3 lines) breaks off after 2 while downloading: the poll fails and stores nothing of it.
    fake.holdBatches(false);
    fake.breakNextDownload(2);
    await expect(pollJudgeBatches(runId)).rejects.toThrow();
    expect(await storedCounts(runId)).toEqual({ calls: 0, units: 0, rankings: 0, spent: 0, done: 0 });

    // The next poll downloads it again and stores every file.
    expect(await pollJudgeBatches(runId)).toBe("done");
    expect(await storedCounts(runId)).toEqual({ calls: 10, units: 10, rankings: 10, spent: 10, done: 10 });
    expect((await db().judgeRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("COMPLETED");
    const rows = await resultsOf(runId);
    for (const promptId of new Set(rows.map((r) => r.prompt_id)))
      for (const perm of [0, 1]) expect(rankedModels(rows, promptId, perm)).toEqual(["m1", "m3", "m0", "m2"]);
    expect((await db().judgeBatch.findMany({ where: { runId } })).every((b) => b.finishedAt !== null)).toBe(true);

    // A worker that died after storing a file's verdicts but before marking its batch read: the
    // next poll reads the file again from the start and stores nothing twice.
    await pool().query(
      `UPDATE judge_batches SET finished_at = NULL WHERE id = (SELECT id FROM judge_batches WHERE run_id = $1 ORDER BY created_at LIMIT 1)`,
      [runId],
    );
    await pool().query(`UPDATE judge_runs SET status = 'RUNNING', finished_at = NULL WHERE id = $1`, [runId]);
    // It downloads that file again (a download broken here proves it)…
    fake.breakNextDownload(1);
    await expect(pollJudgeBatches(runId)).rejects.toThrow();
    // …and reads it whole the next time.
    expect(await pollJudgeBatches(runId)).toBe("done");
    expect(await storedCounts(runId)).toEqual({ calls: 10, units: 10, rankings: 10, spent: 10, done: 10 });
    expect((await db().judgeRun.findUniqueOrThrow({ where: { id: runId } })).status).toBe("COMPLETED");
    expect(fake.calls).toHaveLength(0);
  });

  it("starts a new file when the next line would pass the byte limit, counting each file's exact bytes", async () => {
    const runId = await batchRun(3, "split by bytes");
    // A request bigger than a whole file is refused before anything is written or uploaded.
    fake.holdBatches(true);
    setBatchLimits({ files: { maxRequests: 1000, maxBytes: 1 }, pageLines: 1000 });
    await startJudgeRun(boss, runId, null);
    await expect(pollJudgeBatches(runId)).rejects.toThrow(/is \d+ bytes as a JSONL line, more than the 1 bytes an input file may hold/);
    expect(await db().judgeBatch.count({ where: { runId } })).toBe(0);

    const { rows } = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM judge_units WHERE run_id = $1`, [runId]);
    expect(rows[0]!.n).toBe(6);
    // Find a line's size from a first, unlimited submission of the same units in another run.
    setBatchLimits(null);
    const sizingRun = await batchRun(3, "sizing");
    await startJudgeRun(boss, sizingRun, null);
    await pollJudgeBatches(sizingRun);
    const sizing = await db().judgeBatch.findFirstOrThrow({ where: { runId: sizingRun } });
    const sizes = fake
      .fileText(sizing.inputFileId!)!
      .split("\n")
      .filter(Boolean)
      .map((l) => Buffer.byteLength(l) + 1);
    // The lines are about the same size: a limit of two and a half lines puts two in a file.
    const maxBytes = Math.max(...sizes) * 2 + Math.floor(Math.min(...sizes) / 2);

    setBatchLimits({ files: { maxRequests: 1000, maxBytes }, pageLines: 1000 });
    expect(await pollJudgeBatches(runId)).toBe("again");
    const batches = await db().judgeBatch.findMany({ where: { runId }, orderBy: { createdAt: "asc" } });
    expect(batches.map((b) => b.requestCount)).toEqual([2, 2, 2]);
    for (const b of batches) expect(Buffer.byteLength(fake.fileText(b.inputFileId!)!)).toBeLessThanOrEqual(maxBytes);
    fake.holdBatches(false);
    expect(await pollJudgeBatches(runId)).toBe("done");
    expect(await storedCounts(runId)).toEqual({ calls: 6, units: 6, rankings: 6, spent: 6, done: 6 });
  });

  it("ingests a batch submitted before lines were recorded by storing each call's whole request, as calls then did", async () => {
    const runId = await batchRun(2, "unrecorded lines");
    fake.holdBatches(true);
    await startJudgeRun(boss, runId, null);
    expect(await pollJudgeBatches(runId)).toBe("again");
    const batch = await db().judgeBatch.findFirstOrThrow({ where: { runId } });
    // A batch in flight across the upgrade: no line records.
    await pool().query(`DELETE FROM judge_batch_lines WHERE batch_id = $1`, [batch.id]);
    fake.holdBatches(false);
    expect(await pollJudgeBatches(runId)).toBe("done");
    const sent = fake.fileText(batch.inputFileId!)!.split("\n").filter(Boolean);
    const { rows } = await pool().query<{ prompt_id: string; permutation_index: number; request: never; batch_line: number | null }>(
      `SELECT prompt_id, permutation_index, request, batch_line FROM judge_calls WHERE run_id = $1`,
      [runId],
    );
    expect(rows).toHaveLength(4);
    for (const c of rows) {
      expect(c.batch_line).toBeNull();
      // The stored request is the one the line sent (jsonb keeps it, not its key order).
      expect(sent.map((l) => JSON.parse(l) as unknown)).toContainEqual(JSON.parse(batchLine(c.prompt_id, c.permutation_index, c.request)));
    }
    expect(await storedCounts(runId)).toEqual({ calls: 4, units: 4, rankings: 4, spent: 4, done: 4 });
  });
});
