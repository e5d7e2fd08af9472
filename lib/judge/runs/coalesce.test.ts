import { describe, expect, it } from "vitest";
import { coalesce } from "./coalesce";

describe("coalesce", () => {
  it("hands requests made together to one flush and gives each its own result, in order", async () => {
    const flushes: number[][] = [];
    const double = coalesce(
      async (items: number[]) => {
        flushes.push(items);
        return items.map((n) => n * 2);
      },
      { lingerMs: 5, maxItems: 100 },
    );
    expect(await Promise.all([1, 2, 3].map(double))).toEqual([2, 4, 6]);
    expect(flushes).toEqual([[1, 2, 3]]);
  });

  it("never puts more than maxItems in one flush, and runs one flush at a time", async () => {
    const flushes: number[][] = [];
    let running = 0;
    let most = 0;
    const echo = coalesce(
      async (items: number[]) => {
        running++;
        most = Math.max(most, running);
        flushes.push(items);
        await new Promise((r) => setTimeout(r, 2));
        running--;
        return items;
      },
      { lingerMs: 1, maxItems: 2 },
    );
    expect(await Promise.all([1, 2, 3, 4, 5].map(echo))).toEqual([1, 2, 3, 4, 5]);
    expect(flushes).toEqual([[1, 2], [3, 4], [5]]);
    expect(most).toBe(1);
  });

  it("rejects every request of a failed flush with its error, and later requests still flush", async () => {
    let fail = true;
    const write = coalesce(
      async (items: string[]) => {
        if (fail) throw new Error("database gone");
        return items.map((s) => s.toUpperCase());
      },
      { lingerMs: 1, maxItems: 10 },
    );
    const failed = await Promise.allSettled([write("a"), write("b")]);
    expect(failed.map((r) => (r.status === "rejected" ? (r.reason as Error).message : "ok"))).toEqual(["database gone", "database gone"]);
    fail = false;
    expect(await write("c")).toBe("C");
  });
});
