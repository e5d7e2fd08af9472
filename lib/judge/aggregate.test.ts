import { describe, expect, it } from "vitest";
import { aggregatePermutations, meanRankByShownPosition, positionConsistency, type PermutationResult } from "@/lib/judge/aggregate";

/** A judge result from a best-first list of completion ids and the order they were shown in. */
function result(order: string[], bestFirst: string[], scores: Record<string, number> = {}): PermutationResult {
  return {
    order,
    ranks: new Map(order.map((id, i) => [i + 1, bestFirst.indexOf(id) + 1])),
    scores: new Map(order.map((id, i) => [i + 1, scores[id] ?? null])),
  };
}

describe("aggregating a judge's permutations", () => {
  it("maps shown positions back to completions and orders them by mean rank", () => {
    const a = result(["x", "y", "z"], ["z", "x", "y"]);
    const b = result(["z", "y", "x"], ["z", "y", "x"]);
    const { tiers, meanRank } = aggregatePermutations([a, b]);
    expect(Object.fromEntries(meanRank)).toEqual({ x: 2.5, y: 2.5, z: 1 });
    expect(tiers).toEqual([["z"], ["x", "y"]]);
  });

  it("breaks equal mean ranks by mean score", () => {
    const a = result(["x", "y"], ["x", "y"], { x: 3, y: 5 });
    const b = result(["y", "x"], ["x", "y"], { x: 3, y: 5 });
    const c = result(["x", "y"], ["y", "x"], { x: 3, y: 5 });
    const d = result(["y", "x"], ["y", "x"], { x: 3, y: 5 });
    expect(aggregatePermutations([a, b, c, d]).tiers).toEqual([["y"], ["x"]]);
  });
});

describe("position consistency", () => {
  it("is perfect when every permutation gives the same ranking of the completions", () => {
    const c = positionConsistency([result(["a", "b", "c"], ["b", "a", "c"]), result(["c", "a", "b"], ["b", "a", "c"])]);
    expect(c).toEqual({ kendallTauB: 1, top1Agreement: true });
  });

  it("shows a judge that always prefers the first shown candidate", () => {
    const first = [result(["a", "b", "c"], ["a", "b", "c"]), result(["c", "a", "b"], ["c", "a", "b"])];
    expect(positionConsistency(first).top1Agreement).toBe(false);
    expect(meanRankByShownPosition(first)).toEqual([1, 2, 3]);
  });
});
