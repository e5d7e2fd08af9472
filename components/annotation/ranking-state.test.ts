import { describe, expect, it } from "vitest";
import { initialRankingState, placeOf, rankingReducer, tiersOf, type RankingAction } from "@/components/annotation/ranking-state";

const run = (actions: RankingAction[], ids = ["a", "b", "c", "d"]) => actions.reduce(rankingReducer, initialRankingState(ids));

describe("the ranking screen's state", () => {
  it("starts with every candidate unranked", () => {
    expect(run([])).toMatchObject({ ranked: [], unranked: ["a", "b", "c", "d"] });
  });

  it("places candidates at the end, or at a given place", () => {
    const s = run([{ type: "place", id: "c" }, { type: "place", id: "a" }, { type: "place", id: "d", index: 0 }]);
    expect(s.ranked).toEqual(["d", "c", "a"]);
    expect(s.unranked).toEqual(["b"]);
  });

  it("moves a ranked candidate up and down within bounds", () => {
    const s = run([{ type: "place", id: "a" }, { type: "place", id: "b" }, { type: "place", id: "c" }, { type: "move", id: "c", delta: -1 }, { type: "move", id: "a", delta: -5 }]);
    expect(s.ranked).toEqual(["a", "c", "b"]);
  });

  it("ties a candidate with the one above, giving both the same place", () => {
    const s = run([{ type: "place", id: "a" }, { type: "place", id: "b" }, { type: "place", id: "c" }, { type: "toggleTie", id: "b" }]);
    expect(tiersOf(s)).toEqual([["a", "b"], ["c"]]);
    expect([placeOf(s, "a"), placeOf(s, "b"), placeOf(s, "c")]).toEqual([1, 1, 3]);
  });

  it("cannot tie the first candidate, and drops a tie when the candidate moves", () => {
    let s = run([{ type: "place", id: "a" }, { type: "place", id: "b" }, { type: "toggleTie", id: "a" }]);
    expect(tiersOf(s)).toEqual([["a"], ["b"]]);
    s = rankingReducer(rankingReducer(s, { type: "toggleTie", id: "b" }), { type: "moveTo", id: "b", index: 0 });
    expect(tiersOf(s)).toEqual([["b"], ["a"]]);
  });

  it("returns an unranked candidate to the pool", () => {
    const s = run([{ type: "place", id: "a" }, { type: "place", id: "b" }, { type: "unrank", id: "a" }]);
    expect(s.ranked).toEqual(["b"]);
    expect(s.unranked).toEqual(["c", "d", "a"]);
  });

  it("restores a draft's tiers, details and rationale, ignoring unknown candidates", () => {
    const s = initialRankingState(["a", "b", "c"], { tiers: [["b", "a"], ["zz"]], details: { a: { score: 4, flags: ["unsafe"] }, zz: { score: 1 } }, rationale: "why" });
    expect(tiersOf(s)).toEqual([["b", "a"]]);
    expect(s.unranked).toEqual(["c"]);
    expect(s.details).toEqual({ a: { score: 4, flags: ["unsafe"], comment: "" } });
    expect(s.rationale).toBe("why");
  });
});
