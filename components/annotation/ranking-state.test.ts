import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  applyDrop,
  initialRankingState,
  placeOf,
  rankedIds,
  rankingReducer,
  tiersOf,
  type RankingAction,
  type RankingState,
} from "@/components/annotation/ranking-state";

const run = (actions: RankingAction[], ids = ["a", "b", "c", "d"]) => actions.reduce(rankingReducer, initialRankingState(ids));
const ranked = (tiers: string[][], ids = ["a", "b", "c", "d", "e"]): RankingState => initialRankingState(ids, { tiers });

describe("the ranking screen's state", () => {
  it("starts with every candidate unranked", () => {
    expect(run([])).toMatchObject({ tiers: [], unranked: ["a", "b", "c", "d"] });
  });

  it("ranks candidates next, each in a place of its own", () => {
    const s = run([
      { type: "place", id: "c" },
      { type: "place", id: "a" },
    ]);
    expect(s.tiers).toEqual([["c"], ["a"]]);
    expect(s.unranked).toEqual(["b", "d"]);
  });

  it("applies keys typed back to back each to the state the one before left (no render in between)", () => {
    // Typed "c", "a", "d", T, "b", Backspace: d ties with a; b is ranked, then unranked again.
    const s = run(
      [
        { type: "pick", id: "c" },
        { type: "pick", id: "a" },
        { type: "pick", id: "d" },
        { type: "onSelected", command: "tie", allowTies: true },
        { type: "pick", id: "b" },
        { type: "onSelected", command: "unrank", allowTies: true },
      ],
      ["a", "b", "c", "d", "e"],
    );
    expect(s.tiers).toEqual([["c"], ["a", "d"]]);
    expect(s.unranked).toEqual(["e", "b"]);
    expect(s.selected).toBe("b");
  });

  it("takes a key on the selected candidate only where it applies", () => {
    const base = run([
      { type: "pick", id: "a" },
      { type: "pick", id: "b" },
    ]);
    expect(rankingReducer(base, { type: "onSelected", command: "tie", allowTies: false }).tiers).toEqual([["a"], ["b"]]);
    expect(rankingReducer(base, { type: "onSelected", command: "place", allowTies: true }).tiers).toEqual([["a"], ["b"]]);
    expect(rankingReducer(base, { type: "onSelected", command: "up", allowTies: true }).tiers).toEqual([["b"], ["a"]]);
    expect(rankingReducer(base, { type: "onSelected", command: "deselect", allowTies: true }).selected).toBeNull();
    const unrankedSelected = rankingReducer(base, { type: "select", id: "c" });
    expect(rankingReducer(unrankedSelected, { type: "onSelected", command: "unrank", allowTies: true }).tiers).toEqual([["a"], ["b"]]);
    expect(rankingReducer(unrankedSelected, { type: "onSelected", command: "place", allowTies: true }).tiers).toEqual([
      ["a"],
      ["b"],
      ["c"],
    ]);
  });

  it("moves a ranked candidate up and down within bounds", () => {
    const s = run([
      { type: "place", id: "a" },
      { type: "place", id: "b" },
      { type: "place", id: "c" },
      { type: "move", id: "c", delta: -1 },
      { type: "move", id: "a", delta: -1 },
    ]);
    expect(rankedIds(s)).toEqual(["a", "c", "b"]);
  });

  it("ties a candidate with the one above, giving both the same place", () => {
    const s = run([
      { type: "place", id: "a" },
      { type: "place", id: "b" },
      { type: "place", id: "c" },
      { type: "toggleTie", id: "b" },
    ]);
    expect(tiersOf(s)).toEqual([["a", "b"], ["c"]]);
    expect([placeOf(s, "a"), placeOf(s, "b"), placeOf(s, "c")]).toEqual([1, 1, 3]);
  });

  it("splits a tie group where the tie is toggled off", () => {
    const s = rankingReducer(ranked([["a", "b", "c"], ["d"]]), { type: "toggleTie", id: "b" });
    expect(s.tiers).toEqual([["a"], ["b", "c"], ["d"]]);
  });

  it("cannot tie the first candidate; a tied candidate moved by a key leaves its group", () => {
    let s = rankingReducer(ranked([["a"], ["b"]]), { type: "toggleTie", id: "a" });
    expect(s.tiers).toEqual([["a"], ["b"]]);
    s = rankingReducer(ranked([["a"], ["b", "c"], ["d"]]), { type: "move", id: "b", delta: -1 });
    expect(s.tiers).toEqual([["a"], ["b"], ["c"], ["d"]]);
  });

  it("keeps the rest of a tie group together when its first candidate is unranked", () => {
    const s = rankingReducer(ranked([["a"], ["b", "c"], ["d"]]), { type: "unrank", id: "b" });
    expect(s.tiers).toEqual([["a"], ["c"], ["d"]]);
    expect(s.unranked).toEqual(["e", "b"]);
  });

  it("restores a draft's tiers, details and rationale, ignoring unknown candidates", () => {
    const s = initialRankingState(["a", "b", "c"], {
      tiers: [["b", "a"], ["zz"]],
      details: { a: { score: 4, flags: ["unsafe"] }, zz: { score: 1 } },
      rationale: "why",
    });
    expect(tiersOf(s)).toEqual([["b", "a"]]);
    expect(s.unranked).toEqual(["c"]);
    expect(s.details).toEqual({ a: { score: 4, flags: ["unsafe"], comment: "" } });
    expect(s.rationale).toBe("why");
  });
});

describe("a drop", () => {
  const base = ranked([["a"], ["b"], ["c"]]);

  it("below the last row appends", () => {
    expect(applyDrop(base, "d", { kind: "gap", index: 3 }).tiers).toEqual([["a"], ["b"], ["c"], ["d"]]);
  });

  it("before the first row goes to the top", () => {
    expect(applyDrop(base, "d", { kind: "gap", index: 0 }).tiers).toEqual([["d"], ["a"], ["b"], ["c"]]);
  });

  it("between two rows lands between them", () => {
    expect(applyDrop(base, "d", { kind: "gap", index: 2 }).tiers).toEqual([["a"], ["b"], ["d"], ["c"]]);
  });

  it("within the list reorders, counting gaps with the dragged row still in place", () => {
    expect(applyDrop(base, "a", { kind: "gap", index: 3 }).tiers).toEqual([["b"], ["c"], ["a"]]);
    expect(applyDrop(base, "c", { kind: "gap", index: 1 }).tiers).toEqual([["a"], ["c"], ["b"]]);
  });

  it("next to itself changes nothing", () => {
    expect(applyDrop(base, "b", { kind: "gap", index: 1 })).toEqual(base);
    expect(applyDrop(base, "b", { kind: "gap", index: 2 })).toEqual(base);
  });

  it("on the pool unranks", () => {
    const s = applyDrop(base, "b", { kind: "pool" });
    expect(s.tiers).toEqual([["a"], ["c"]]);
    expect(s.unranked).toContain("b");
  });

  it("on a row's tie zone joins its group; between two tied rows joins too; outside the group leaves it", () => {
    const tied = applyDrop(base, "d", { kind: "join", id: "b" });
    expect(tied.tiers).toEqual([["a"], ["b", "d"], ["c"]]);
    expect(applyDrop(tied, "e", { kind: "gap", index: 2 }).tiers).toEqual([["a"], ["b", "e", "d"], ["c"]]);
    expect(applyDrop(tied, "d", { kind: "gap", index: 3 }).tiers).toEqual([["a"], ["b"], ["d"], ["c"]]);
    expect(applyDrop(tied, "b", { kind: "gap", index: 0 }).tiers).toEqual([["b"], ["a"], ["d"], ["c"]]);
  });

  it("never loses or duplicates a candidate", () => {
    const ids = ["a", "b", "c", "d", "e", "f"];
    const target = fc.oneof(
      fc.record({ kind: fc.constant("gap" as const), index: fc.integer({ min: 0, max: 6 }) }),
      fc.record({ kind: fc.constant("join" as const), id: fc.constantFrom(...ids) }),
      fc.constant({ kind: "pool" as const }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...ids), target), { maxLength: 30 }), (drops) => {
        const s = drops.reduce((acc, [id, t]) => applyDrop(acc, id, t), initialRankingState(ids));
        expect([...rankedIds(s), ...s.unranked].sort()).toEqual(ids);
        expect(s.tiers.every((t) => t.length > 0)).toBe(true);
      }),
    );
  });
});

describe("marked spans in the ranking state", () => {
  const span = (completionId: string, start: number, tag = "wrong-dose") => ({
    completionId,
    start,
    end: start + 3,
    text: "abc",
    tag,
    severity: "major" as const,
    comment: "",
    correction: "",
  });

  it("come back from a draft for the prompt's candidates only, in their order", () => {
    const state = initialRankingState(["a", "b"], { spans: [span("b", 4), span("gone", 0), span("a", 1)] });
    expect(state.spans).toEqual([span("b", 4), span("a", 1)]);
  });

  it("are added at the end, replaced and removed by their place in the list, leaving the ranking as it was", () => {
    let state = initialRankingState(["a", "b"], { tiers: [["b"]] });
    state = rankingReducer(state, { type: "addSpan", span: span("a", 0) });
    state = rankingReducer(state, { type: "addSpan", span: span("b", 2) });
    state = rankingReducer(state, { type: "updateSpan", index: 0, span: span("a", 0, "unsafe") });
    expect(state.spans).toEqual([span("a", 0, "unsafe"), span("b", 2)]);
    state = rankingReducer(state, { type: "removeSpan", index: 0 });
    expect(state.spans).toEqual([span("b", 2)]);
    expect(state.tiers).toEqual([["b"]]);
  });
});
