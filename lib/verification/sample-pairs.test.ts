import { describe, expect, it } from "vitest";
import type { CandidatePairForSet } from "@/lib/verification/candidate-pairs";
import { samplePairs } from "@/lib/verification/sample-pairs";
import type { PairCategory } from "@/lib/export/pair-categories";

function pair(i: number, over: Partial<CandidatePairForSet> = {}): CandidatePairForSet {
  return {
    promptId: `p${i}`,
    chosenCompletionId: `c${i}`,
    rejectedCompletionId: `r${i}`,
    categories: [],
    source: "medqa",
    promptType: "exam",
    uncertainty: null,
    judge: {
      run: "r",
      chosenRank: 1,
      rejectedRank: 2,
      chosenScore: null,
      rejectedScore: null,
      positionFlips: null,
      humanDisagreement: null,
    },
    ...over,
  };
}
const ids = (pairs: CandidatePairForSet[]) => pairs.map((p) => p.promptId);

describe("samplePairs", () => {
  const pool = Array.from({ length: 100 }, (_, i) => pair(i));

  it("random: n distinct pairs, the same for the same seed and others for another", () => {
    const a = samplePairs(pool, 10, "random", 7);
    expect(new Set(ids(a)).size).toBe(10);
    expect(ids(samplePairs(pool, 10, "random", 7))).toEqual(ids(a));
    expect(ids(samplePairs(pool, 10, "random", 8))).not.toEqual(ids(a));
  });

  it("stratified: each (source, prompt type) stratum in proportion to its size", () => {
    const strata = [
      ...Array.from({ length: 60 }, (_, i) => pair(i, { source: "medqa", promptType: "exam" })),
      ...Array.from({ length: 25 }, (_, i) => pair(100 + i, { source: "pubmedqa", promptType: "open" })),
      ...Array.from({ length: 15 }, (_, i) => pair(200 + i, { source: "medqa", promptType: "open" })),
    ];
    const sample = samplePairs(strata, 10, "stratified", 1);
    const count = (source: string, type: string) => sample.filter((p) => p.source === source && p.promptType === type).length;
    // 6.0, 2.5, 1.5: the last seat goes to the larger remainder (a tie, broken by stratum order).
    expect([count("medqa", "exam"), count("pubmedqa", "open"), count("medqa", "open")]).toEqual([6, 2, 2]);
  });

  it("category: easy, hard and length take turns while each has pairs, then any pair fills the rest", () => {
    const of = (categories: PairCategory[], from: number, count: number) =>
      Array.from({ length: count }, (_, i) => pair(from + i, { categories }));
    const candidates = [...of(["easy"], 0, 20), ...of(["hard"], 100, 20), ...of(["length"], 200, 2), ...of([], 300, 10)];
    const sample = samplePairs(candidates, 12, "category", 3);
    const count = (c: PairCategory) => sample.filter((p) => p.categories.includes(c)).length;
    expect([count("easy"), count("hard"), count("length")]).toEqual([5, 5, 2]);
    const all = samplePairs(candidates, 50, "category", 3);
    expect(all.filter((p) => p.categories.length === 0)).toHaveLength(8);
  });

  it("uncertain: the judge's least sure pairs first, pairs with nothing known last", () => {
    const candidates = [pair(0, { uncertainty: 0.2 }), pair(1, { uncertainty: 0.9 }), pair(2), pair(3, { uncertainty: 0.5 })];
    expect(ids(samplePairs(candidates, 3, "uncertain", 0))).toEqual(["p1", "p3", "p0"]);
    expect(ids(samplePairs(candidates, 9, "uncertain", 0))).toEqual(["p1", "p3", "p0", "p2"]);
  });
});
