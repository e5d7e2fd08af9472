import type PgBoss from "pg-boss";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { defineJob } from "@/lib/jobs/define-job";

const deadlock = () => Object.assign(new Error("deadlock detected"), { code: "40P01" });

/** A stand-in for pg-boss's queue creation only: fails with the given errors, then succeeds. */
function bossFailingWith(errors: Error[]) {
  const calls = { createQueue: 0, schedule: 0 };
  const boss = {
    async createQueue() {
      calls.createQueue += 1;
      const error = errors.shift();
      if (error) throw error;
    },
    async schedule() {
      calls.schedule += 1;
    },
  } as unknown as PgBoss;
  return { boss, calls };
}

describe("creating a job's queue", () => {
  it("tries again when PostgreSQL picked it as a deadlock's victim (two workers starting at once)", async () => {
    const job = defineJob({ name: "q", payload: z.object({}), options: {}, schedule: "* * * * *" });
    const { boss, calls } = bossFailingWith([deadlock(), deadlock()]);
    await job.ensure(boss);
    expect(calls).toEqual({ createQueue: 3, schedule: 1 });
  });

  it("gives up after five deadlocks, and does not retry any other error", async () => {
    const job = defineJob({ name: "q", payload: z.object({}), options: {} });
    const stuck = bossFailingWith(Array.from({ length: 5 }, deadlock));
    await expect(job.ensure(stuck.boss)).rejects.toThrow("deadlock detected");
    expect(stuck.calls.createQueue).toBe(5);
    const other = bossFailingWith([new Error("permission denied for schema pgboss")]);
    await expect(job.ensure(other.boss)).rejects.toThrow("permission denied");
    expect(other.calls.createQueue).toBe(1);
  });
});
