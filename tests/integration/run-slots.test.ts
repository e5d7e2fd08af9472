import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closePool } from "@/lib/db/pool";
import { closeRunSlots, takeRunSlot } from "@/lib/judge/runs/run-slots";
import { useFreshDatabase } from "../support/test-database";

/** Another worker's session: its advisory locks are its own. */
let other: pg.Client;

beforeAll(async () => {
  const url = await useFreshDatabase();
  other = new pg.Client({ connectionString: url });
  await other.connect();
});
afterAll(async () => {
  await other.end();
  await closeRunSlots();
  await closePool();
});

/** Which of the run's slots the other session can lock now (it unlocks them again). */
async function freeForOthers(runId: string, slots: number): Promise<number[]> {
  const { rows } = await other.query<{ s: number }>(
    `SELECT s FROM generate_series(0, $2::int - 1) s WHERE pg_try_advisory_lock(hashtextextended($1 || ':' || s, 0)) AND pg_advisory_unlock(hashtextextended($1 || ':' || s, 0))`,
    [`judge-run:${runId}`, slots],
  );
  return rows.map((r) => r.s);
}

const slotsOf = (taken: ({ slot: number } | null)[]) => taken.map((t) => t?.slot ?? null);

describe("a run's concurrency slots", () => {
  it("hand units asking together distinct slots, never more than the run's limit, and a released slot to the next unit", async () => {
    const runId = randomUUID();
    const taken = await Promise.all(Array.from({ length: 6 }, () => takeRunSlot(runId, 4, 0)));
    expect(slotsOf(taken)).toEqual([0, 1, 2, 3, null, null]);
    expect(await freeForOthers(runId, 4)).toEqual([]);
    await taken[2]!.release();
    expect(await freeForOthers(runId, 4)).toEqual([2]);
    expect(slotsOf(await Promise.all([takeRunSlot(runId, 4, 0), takeRunSlot(runId, 4, 0)]))).toEqual([2, null]);
    for (const t of taken) await t?.release();
  });

  it("skip the slots another worker holds", async () => {
    const runId = randomUUID();
    await other.query(`SELECT pg_advisory_lock(hashtextextended($1 || ':' || s, 0)) FROM unnest(ARRAY[0, 2]) s`, [`judge-run:${runId}`]);
    const taken = await Promise.all(Array.from({ length: 3 }, () => takeRunSlot(runId, 4, 0)));
    expect(slotsOf(taken)).toEqual([1, 3, null]);
    await other.query(`SELECT pg_advisory_unlock_all()`);
    for (const t of taken) await t?.release();
    expect(await freeForOthers(runId, 4)).toEqual([0, 1, 2, 3]);
  });

  it("mark each unit's queue job alive while it holds its slot, and only then", async () => {
    const runId = randomUUID();
    const jobs = [randomUUID(), randomUUID(), randomUUID()];
    const jobAlive = async (jobId: string) => {
      const { rows } = await other.query<{ free: boolean }>(
        `SELECT CASE WHEN pg_try_advisory_lock(hashtextextended($1, 0)) THEN pg_advisory_unlock(hashtextextended($1, 0)) ELSE false END AS free`,
        [`judge-job:${jobId}`],
      );
      return !rows[0]!.free;
    };
    const taken = await Promise.all(jobs.map((jobId) => takeRunSlot(runId, 2, 0, jobId)));
    expect(slotsOf(taken)).toEqual([0, 1, null]);
    // The third found no slot: its job lock was let go with the give-up.
    expect([await jobAlive(jobs[0]!), await jobAlive(jobs[1]!), await jobAlive(jobs[2]!)]).toEqual([true, true, false]);
    await taken[0]!.release();
    expect([await jobAlive(jobs[0]!), await jobAlive(jobs[1]!)]).toEqual([false, true]);
    await taken[1]!.release();
  });
});
