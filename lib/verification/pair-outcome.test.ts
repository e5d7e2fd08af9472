import { describe, expect, it } from "vitest";
import { keptOrientation, outcomeCategories, pairOutcome, type Vote } from "@/lib/verification/pair-outcome";

const twoOfTwo = { raters: 2, agree: 2 };
const twoOfThree = { raters: 3, agree: 2 };

describe("pairOutcome", () => {
  it("is verified or overturned once m raters agree with or against the source", () => {
    expect(pairOutcome(["CHOSEN", "CHOSEN"], twoOfTwo)).toBe("VERIFIED");
    expect(pairOutcome(["REJECTED", "REJECTED"], twoOfTwo)).toBe("OVERTURNED");
    expect(pairOutcome(["CHOSEN", "REJECTED", "CHOSEN"], twoOfThree)).toBe("VERIFIED");
    expect(pairOutcome(["REJECTED", "REJECTED"], twoOfThree)).toBe("OVERTURNED");
  });

  it("is pending while the missing votes could still decide it", () => {
    expect(pairOutcome([], twoOfTwo)).toBe("PENDING");
    expect(pairOutcome(["CHOSEN"], twoOfTwo)).toBe("PENDING");
    expect(pairOutcome(["CHOSEN", "REJECTED"], twoOfThree)).toBe("PENDING");
    expect(pairOutcome(["TIE"], twoOfThree)).toBe("PENDING");
  });

  it("is disputed as soon as no side can reach m, ties and 'both unacceptable' siding with neither", () => {
    expect(pairOutcome(["CHOSEN", "REJECTED"], twoOfTwo)).toBe("DISPUTED");
    expect(pairOutcome(["TIE", "CHOSEN"], twoOfTwo)).toBe("DISPUTED");
    expect(pairOutcome(["BOTH_BAD", "TIE"], twoOfThree)).toBe("DISPUTED");
    expect(pairOutcome(["CHOSEN", "REJECTED", "TIE"], twoOfThree)).toBe("DISPUTED");
  });

  it("needs a lead when m is at most half of k", () => {
    const oneOfTwo = { raters: 2, agree: 1 };
    expect(pairOutcome(["CHOSEN"], oneOfTwo)).toBe("VERIFIED");
    expect(pairOutcome(["CHOSEN", "REJECTED"], oneOfTwo)).toBe("DISPUTED");
    expect(pairOutcome(["TIE", "REJECTED"] as Vote[], oneOfTwo)).toBe("OVERTURNED");
  });
});

describe("kept pairs", () => {
  it("swap chosen and rejected and join the human category when overturned", () => {
    expect(keptOrientation({ chosen: "a", rejected: "b" }, "OVERTURNED")).toEqual({ chosen: "b", rejected: "a" });
    expect(keptOrientation({ chosen: "a", rejected: "b" }, "VERIFIED")).toEqual({ chosen: "a", rejected: "b" });
    expect(outcomeCategories(["hard", "length"], "OVERTURNED")).toEqual(["hard", "length", "human"]);
    expect(outcomeCategories(["easy"], "VERIFIED")).toEqual(["easy"]);
  });
});
