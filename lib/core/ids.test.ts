import { describe, expect, it } from "vitest";
import { idSchema, isId, newId, newTimeOrderedId } from "@/lib/core/ids";

describe("ids", () => {
  it("are UUIDs, new ones distinct", () => {
    const a = newId();
    expect(isId(a)).toBe(true);
    expect(newId()).not.toBe(a);
  });

  it("a malformed id is refused with a message naming what was expected", () => {
    expect(isId("42")).toBe(false);
    expect(isId(undefined)).toBe(false);
    expect(idSchema("a judge run").safeParse("42").error?.issues[0]?.message).toBe("not a judge run id");
  });
});

describe("time-ordered ids", () => {
  it("are UUIDs of version 7 and variant 10 whose first 48 bits are the millisecond they were made", () => {
    const before = Date.now();
    const id = newTimeOrderedId();
    expect(isId(id)).toBe(true);
    expect(id[14]).toBe("7");
    expect(["8", "9", "a", "b"]).toContain(id[19]);
    const ms = parseInt(id.slice(0, 8) + id.slice(9, 13), 16);
    expect(ms).toBeGreaterThanOrEqual(before);
    expect(ms).toBeLessThanOrEqual(Date.now() + 1);
  });

  it("sort in the order they were made, thousands within one millisecond included, and never repeat", () => {
    const ids = Array.from({ length: 20000 }, () => newTimeOrderedId());
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
