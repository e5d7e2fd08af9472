import { describe, expect, it } from "vitest";
import { naturalCompare, naturalSortKey } from "@/lib/projects/natural-sort";

describe("natural order of prompt ids", () => {
  it("puts q2 before q10 and compares every digit run as a number", () => {
    expect(["q10", "q2", "q1", "q100", "q20"].sort(naturalCompare)).toEqual(["q1", "q2", "q10", "q20", "q100"]);
    expect(["medqa,10", "medqa,9", "medmcqa,2", "pubmedqa,1"].sort(naturalCompare)).toEqual([
      "medmcqa,2",
      "medqa,9",
      "medqa,10",
      "pubmedqa,1",
    ]);
    expect(["a2b10", "a2b9", "a10b1"].sort(naturalCompare)).toEqual(["a2b9", "a2b10", "a10b1"]);
  });

  it("ignores case and handles numbers longer than the padding", () => {
    expect(["Q3", "q2", "q10"].sort(naturalCompare)).toEqual(["q2", "Q3", "q10"]);
    expect(["x123456789012345678901234", "x99"].sort(naturalCompare)).toEqual(["x99", "x123456789012345678901234"]);
    expect(naturalSortKey("")).toBe("");
    expect(naturalSortKey("q2")).toBe("q00000000000000000002");
  });
});
