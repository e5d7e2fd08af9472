import type { Pool, PoolClient } from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { createJudgeRun } from "@/lib/judge/runs/create-judge-run";
import { judgeSetup, projectWithQualities, waitUntilWaitingOnLock } from "../support/judge-runs";
import { useFreshDatabase } from "../support/test-database";

/**
 * A judge call's run, prompt and batch are checked by a statement trigger, not by foreign keys
 * (migration 20261201041335_judge_call_keys): a call naming a missing one is still refused, whoever
 * writes it; deleting a run or a prompt takes its calls, deleting a batch clears its calls' batch;
 * and none can disappear under calls being written.
 */
let endpointId: string;
let templateId: string;

beforeAll(async () => {
  await useFreshDatabase();
  // No call is made: the endpoint only has to exist.
  ({ endpointId, templateId } = await judgeSetup("http://127.0.0.1:9/v1", { supportsBatch: true }));
});

/** A Batch run over a project of 2 prompts, with one local batch: the ids a call names. */
async function runWithBatch() {
  const project = await projectWithQualities(2);
  const run = await createJudgeRun(
    { projectSlug: project.slug, name: "keys", endpointId, model: "judge", templateId, permutations: 1, mode: "BATCH" },
    null,
  );
  const prompts = await db().prompt.findMany({ where: { projectId: project.id }, orderBy: { externalId: "asc" }, select: { id: true } });
  const batch = await db().judgeBatch.create({ data: { runId: run.id, status: "submitting" } });
  return { runId: run.id, promptIds: prompts.map((p) => p.id), batchId: batch.id };
}

/** Inserts one FAILED call per prompt, in one statement. */
const insertCalls = (runId: string, promptIds: string[], batchId: string | null, client: Pool | PoolClient = pool()) =>
  client.query(
    `INSERT INTO judge_calls (run_id, prompt_id, permutation_index, attempt, status, request, batch_id)
     SELECT $1::uuid, p, 0, 1, 'FAILED', '{}'::jsonb, $3::uuid FROM unnest($2::uuid[]) p`,
    [runId, promptIds, batchId],
  );

const callsOf = async (runId: string) =>
  (
    await pool().query<{ promptId: string; batchId: string | null }>(
      `SELECT prompt_id AS "promptId", batch_id AS "batchId" FROM judge_calls WHERE run_id = $1 ORDER BY prompt_id`,
      [runId],
    )
  ).rows;

const UNKNOWN = "00000000-0000-4000-8000-00000000beef";

describe("a judge call's run, prompt and batch", () => {
  it("must exist: a call naming an unknown run, prompt or batch is refused with the whole statement, as the foreign key violation it replaces", async () => {
    const { runId, promptIds, batchId } = await runWithBatch();
    await expect(insertCalls(UNKNOWN, promptIds, batchId)).rejects.toMatchObject({
      code: "23503",
      message: `judge call names run ${UNKNOWN}, which does not exist`,
    });
    await expect(insertCalls(runId, [promptIds[0]!, UNKNOWN], batchId)).rejects.toMatchObject({
      code: "23503",
      message: `judge call names prompt ${UNKNOWN}, which does not exist`,
    });
    await expect(insertCalls(runId, promptIds, UNKNOWN)).rejects.toMatchObject({
      code: "23503",
      message: `judge call names batch ${UNKNOWN}, which does not exist`,
    });
    expect(await callsOf(runId)).toEqual([]);
    await expect(
      db().judgeCall.create({ data: { runId, promptId: UNKNOWN, permutationIndex: 0, status: "FAILED", request: {} } }),
    ).rejects.toThrow(/Foreign key constraint violated on the constraint: `judge_calls_prompt_id_check`/);

    await insertCalls(runId, promptIds, batchId);
    expect(await callsOf(runId)).toEqual(
      promptIds.map((promptId) => ({ promptId, batchId })).sort((a, b) => a.promptId.localeCompare(b.promptId)),
    );
    // Moving a call to a run that does not exist is refused too.
    await expect(pool().query(`UPDATE judge_calls SET run_id = $1 WHERE run_id = $2`, [UNKNOWN, runId])).rejects.toMatchObject({
      code: "23503",
      message: `judge call names run ${UNKNOWN}, which does not exist`,
    });
  });

  it("take the calls along when deleted: a prompt its calls, a batch its calls' batch (the calls stay), a run all its calls", async () => {
    const { runId, promptIds, batchId } = await runWithBatch();
    await insertCalls(runId, promptIds, batchId);
    await pool().query(`DELETE FROM prompts WHERE id = $1`, [promptIds[0]]);
    expect(await callsOf(runId)).toEqual([{ promptId: promptIds[1], batchId }]);
    await pool().query(`DELETE FROM judge_batches WHERE id = $1`, [batchId]);
    expect(await callsOf(runId)).toEqual([{ promptId: promptIds[1], batchId: null }]);
    await pool().query(`DELETE FROM judge_runs WHERE id = $1`, [runId]);
    expect(await callsOf(runId)).toEqual([]);
  });

  it("carry a changed id to their calls", async () => {
    const { runId, promptIds, batchId } = await runWithBatch();
    await insertCalls(runId, promptIds.slice(0, 1), batchId);
    const newBatchId = "00000000-0000-4000-8000-0000000000b1";
    await pool().query(`UPDATE judge_batches SET id = $1 WHERE id = $2`, [newBatchId, batchId]);
    expect(await callsOf(runId)).toEqual([{ promptId: promptIds[0], batchId: newBatchId }]);
  });

  it("cannot be deleted while calls naming them are being written: the prompt's deletion waits, then takes the calls along", async () => {
    const { runId, promptIds, batchId } = await runWithBatch();
    const writer = await pool().connect();
    const deleter = await pool().connect();
    try {
      await writer.query("BEGIN");
      await insertCalls(runId, promptIds, batchId, writer);
      const deleting = deleter.query(`DELETE FROM prompts WHERE id = $1`, [promptIds[0]]);
      // The prompt's lock, taken by the writer's check, holds the deletion until the calls commit.
      await waitUntilWaitingOnLock(deleter);
      await writer.query("COMMIT");
      await deleting;
      expect(await callsOf(runId)).toEqual([{ promptId: promptIds[1], batchId }]);
    } finally {
      writer.release();
      deleter.release();
    }
  });

  it("deleted meanwhile refuses the calls once that deletion commits", async () => {
    const { runId, promptIds, batchId } = await runWithBatch();
    const writer = await pool().connect();
    const deleter = await pool().connect();
    try {
      await deleter.query("BEGIN");
      await deleter.query(`DELETE FROM prompts WHERE id = $1`, [promptIds[1]]);
      const writing = insertCalls(runId, promptIds, batchId, writer);
      const refused = expect(writing).rejects.toMatchObject({
        code: "23503",
        message: `judge call names prompt ${promptIds[1]}, which does not exist`,
      });
      await waitUntilWaitingOnLock(writer);
      await deleter.query("COMMIT");
      await refused;
      expect(await callsOf(runId)).toEqual([]);
    } finally {
      writer.release();
      deleter.release();
    }
  });
});

/** Inserts one line record per prompt of a batch, in one statement. */
const insertLines = (batchId: string, promptIds: string[], client: Pool | PoolClient = pool()) =>
  client.query(
    `INSERT INTO judge_batch_lines (batch_id, prompt_id, unit_index, line, request_sha256, shown_order)
     SELECT $1::uuid, p, 0, n::int - 1, '\\x00'::bytea, '{}'::uuid[] FROM unnest($2::uuid[]) WITH ORDINALITY AS x(p, n)`,
    [batchId, promptIds],
  );

const linesOf = async (promptIds: string[]) =>
  (
    await pool().query<{ batchId: string; line: number }>(
      `SELECT batch_id AS "batchId", line FROM judge_batch_lines WHERE prompt_id = ANY($1::uuid[]) ORDER BY line`,
      [promptIds],
    )
  ).rows;

describe("a Batch input file's line records and their batch (checked per statement, migration 20261201071152_judge_ranking_writes)", () => {
  it("must exist: lines naming an unknown batch are refused with the whole statement, as the foreign key violation it replaces", async () => {
    const { promptIds, batchId } = await runWithBatch();
    await expect(insertLines(UNKNOWN, promptIds)).rejects.toMatchObject({
      code: "23503",
      message: `batch line names batch ${UNKNOWN}, which does not exist`,
    });
    expect(await linesOf(promptIds)).toEqual([]);
    await insertLines(batchId, promptIds);
    expect(await linesOf(promptIds)).toEqual([
      { batchId, line: 0 },
      { batchId, line: 1 },
    ]);
    await expect(pool().query(`UPDATE judge_batch_lines SET batch_id = $1 WHERE batch_id = $2`, [UNKNOWN, batchId])).rejects.toMatchObject({
      code: "23503",
      message: `batch line names batch ${UNKNOWN}, which does not exist`,
    });
  });

  it("go with their batch, whose changed id they follow", async () => {
    const { runId, promptIds, batchId } = await runWithBatch();
    await insertLines(batchId, promptIds);
    const movedId = "00000000-0000-4000-8000-0000000000b2";
    await pool().query(`UPDATE judge_batches SET id = $1 WHERE id = $2`, [movedId, batchId]);
    expect((await linesOf(promptIds)).map((l) => l.batchId)).toEqual([movedId, movedId]);
    await pool().query(`DELETE FROM judge_batches WHERE id = $1`, [movedId]);
    expect(await linesOf(promptIds)).toEqual([]);
    // Through the run's deletion too (its batches cascade).
    const other = await db().judgeBatch.create({ data: { runId, status: "submitting" } });
    await insertLines(other.id, promptIds);
    await pool().query(`DELETE FROM judge_runs WHERE id = $1`, [runId]);
    expect(await linesOf(promptIds)).toEqual([]);
  });

  it("cannot go away while lines naming it are being written: the batch's deletion waits, then takes them along", async () => {
    const { promptIds, batchId } = await runWithBatch();
    const writer = await pool().connect();
    const deleter = await pool().connect();
    try {
      await writer.query("BEGIN");
      await insertLines(batchId, promptIds, writer);
      const deleting = deleter.query(`DELETE FROM judge_batches WHERE id = $1`, [batchId]);
      await waitUntilWaitingOnLock(deleter);
      await writer.query("COMMIT");
      await deleting;
      expect(await linesOf(promptIds)).toEqual([]);
    } finally {
      writer.release();
      deleter.release();
    }
  });
});

/** A judge ranking of the run for each prompt (permutation 0), in one statement. */
const insertRankings = (runId: string, promptIds: string[], client: Pool | PoolClient = pool()) =>
  client.query(
    `INSERT INTO rankings (prompt_id, kind, judge_run_id, permutation_index) SELECT p, 'JUDGE', $1::uuid, 0 FROM unnest($2::uuid[]) p`,
    [runId, promptIds],
  );

const rankingsOf = async (promptIds: string[]) =>
  (
    await pool().query<{ promptId: string; judgeRunId: string }>(
      `SELECT prompt_id AS "promptId", judge_run_id AS "judgeRunId" FROM rankings WHERE prompt_id = ANY($1::uuid[]) ORDER BY prompt_id`,
      [promptIds],
    )
  ).rows;

describe("a ranking's prompt and judge run (checked per statement, migration 20261201071152_judge_ranking_writes)", () => {
  it("must exist: rankings naming an unknown prompt or run are refused with the whole statement, as the foreign key violations they replace", async () => {
    const { runId, promptIds } = await runWithBatch();
    await expect(insertRankings(runId, [promptIds[0]!, UNKNOWN])).rejects.toMatchObject({
      code: "23503",
      message: `ranking names prompt ${UNKNOWN}, which does not exist`,
    });
    await expect(insertRankings(UNKNOWN, promptIds)).rejects.toMatchObject({
      code: "23503",
      message: `ranking names judge run ${UNKNOWN}, which does not exist`,
    });
    expect(await rankingsOf(promptIds)).toEqual([]);
    await insertRankings(runId, promptIds);
    expect(await rankingsOf(promptIds)).toEqual(
      promptIds.map((promptId) => ({ promptId, judgeRunId: runId })).sort((a, b) => a.promptId.localeCompare(b.promptId)),
    );
    await expect(pool().query(`UPDATE rankings SET prompt_id = $1 WHERE prompt_id = $2`, [UNKNOWN, promptIds[0]])).rejects.toMatchObject({
      code: "23503",
      message: `ranking names prompt ${UNKNOWN}, which does not exist`,
    });
  });

  it("go with their prompt or run, revisions and counts included, and follow a changed id", async () => {
    const { runId, promptIds } = await runWithBatch();
    await insertRankings(runId, promptIds);
    const judgeCount = async () =>
      Number(
        (
          await pool().query<{ n: string }>(
            `SELECT coalesce(sum(n), 0) AS n FROM project_counts WHERE key = 'rankings:JUDGE' AND project_id = (SELECT project_id FROM judge_runs WHERE id = $1)`,
            [runId],
          )
        ).rows[0]!.n,
      );
    expect(await judgeCount()).toBe(2);
    await pool().query(`DELETE FROM prompts WHERE id = $1`, [promptIds[0]]);
    expect(await rankingsOf(promptIds)).toEqual([{ promptId: promptIds[1], judgeRunId: runId }]);
    expect(await judgeCount()).toBe(1);
    const movedRun = "00000000-0000-4000-8000-0000000000c1";
    await pool().query(`UPDATE judge_runs SET id = $1 WHERE id = $2`, [movedRun, runId]);
    expect(await rankingsOf(promptIds)).toEqual([{ promptId: promptIds[1], judgeRunId: movedRun }]);
    await pool().query(`DELETE FROM judge_runs WHERE id = $1`, [movedRun]);
    expect(await rankingsOf(promptIds)).toEqual([]);
  });

  it("cannot go away while rankings naming it are being written: the prompt's deletion waits, then takes them along", async () => {
    const { runId, promptIds } = await runWithBatch();
    const writer = await pool().connect();
    const deleter = await pool().connect();
    try {
      await writer.query("BEGIN");
      await insertRankings(runId, promptIds, writer);
      const deleting = deleter.query(`DELETE FROM prompts WHERE id = $1`, [promptIds[0]]);
      await waitUntilWaitingOnLock(deleter);
      await writer.query("COMMIT");
      await deleting;
      expect(await rankingsOf(promptIds)).toEqual([{ promptId: promptIds[1], judgeRunId: runId }]);
    } finally {
      writer.release();
      deleter.release();
    }
  });
});
