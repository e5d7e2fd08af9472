import { describe, expect, it } from "vitest";
import { idSchema, isId, newId } from "@/lib/core/ids";

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
