import { describe, expect, it } from "vitest";
import { hashBudgetSize, Semaphore } from "@/lib/auth/hash-budget";

describe("password hash budget", () => {
  it("is half the cores, between 1 and 3", () => {
    expect([1, 2, 3, 4, 6, 8, 64].map((c) => hashBudgetSize(c))).toEqual([1, 1, 1, 2, 3, 3, 3]);
  });

  it("never runs more tasks at once than its size, and runs them all", async () => {
    const semaphore = new Semaphore(2);
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const tasks = Array.from({ length: 7 }, (_, i) =>
      semaphore.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => releases.push(r));
        running--;
        return i;
      }),
    );
    // Release whichever tasks hold a slot until all have run.
    while (semaphore.started < 7 || running > 0) {
      await new Promise((r) => setImmediate(r));
      releases.splice(0).forEach((r) => r());
    }
    expect(await Promise.all(tasks)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(peak).toBe(2);
    expect(semaphore.queued).toBe(0);
  });

  it("frees the slot when a task throws", async () => {
    const semaphore = new Semaphore(1);
    await expect(semaphore.run(async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await semaphore.run(async () => "next")).toBe("next");
  });
});
