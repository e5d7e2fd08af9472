import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { kendallTauB, pairwiseAgreement, top1Match } from "@/lib/agreement/rank-agreement";

const ranks = (o: Record<string, number>) => new Map(Object.entries(o));

describe("agreement between two rankings", () => {
  it("is perfect for identical rankings", () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(["a", "b", "c", "d", "e"], { minLength: 5, maxLength: 5 }), (perm) => {
        const r = new Map(perm.map((id, i) => [id, i + 1]));
        expect(kendallTauB(r, r)).toBeCloseTo(1);
        expect(pairwiseAgreement(r, r)).toBe(1);
        expect(top1Match(r, r)).toBe(true);
      }),
    );
  });

  it("gives tau-b = -1 for a reversed ranking", () => {
    expect(kendallTauB(ranks({ a: 1, b: 2, c: 3, d: 4 }), ranks({ a: 4, b: 3, c: 2, d: 1 }))).toBeCloseTo(-1);
  });

  it("matches a hand-computed tau-b with ties", () => {
    // x: a1 b2 c2 d4 ; y: a1 b2 c3 d4 → 5 concordant, 0 discordant, 1 pair tied in x.
    // tau-b = 5 / sqrt((6 - 1) * (6 - 0)) = 0.9129
    expect(kendallTauB(ranks({ a: 1, b: 2, c: 2, d: 4 }), ranks({ a: 1, b: 2, c: 3, d: 4 }))).toBeCloseTo(5 / Math.sqrt(30), 6);
  });

  it("counts a tie against a strict order as a disagreement in pairwise agreement", () => {
    expect(pairwiseAgreement(ranks({ a: 1, b: 2, c: 2 }), ranks({ a: 1, b: 2, c: 3 }))).toBeCloseTo(2 / 3);
  });

  it("compares the sets of best candidates", () => {
    expect(top1Match(ranks({ a: 1, b: 1, c: 3 }), ranks({ b: 1, a: 1, c: 3 }))).toBe(true);
    expect(top1Match(ranks({ a: 1, b: 1, c: 3 }), ranks({ a: 1, b: 2, c: 3 }))).toBe(false);
  });
});
