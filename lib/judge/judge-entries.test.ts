import { describe, expect, it } from "vitest";
import { judgeEntriesOf } from "@/lib/judge/judge-entries";
import { tiersToRanks } from "@/lib/ranking/tiers";

const order = ["c-a", "c-b", "c-c", "c-d"];

describe("a judge's entries", () => {
  it("rank tied candidates alike and the next one after all of them (1, 2, 2, 4), with score, comment and shown position", () => {
    const entries = judgeEntriesOf(order, {
      feedback: [
        { position: 1, evaluation: "  clear ", score: 4.6 },
        { position: 2, evaluation: "", score: 7 },
        { position: 3, evaluation: "same as 2", score: null },
        { position: 4, evaluation: "worst", score: 1 },
      ],
      ranks: new Map([
        [3, 2],
        [1, 1],
        [2, 2],
        [4, 5],
      ]),
    });
    expect(entries).toEqual([
      { completionId: "c-c", rank: 2, score: null, comment: "same as 2", shownPosition: 2 },
      { completionId: "c-a", rank: 1, score: 5, comment: "clear", shownPosition: 0 },
      { completionId: "c-b", rank: 2, score: null, comment: null, shownPosition: 1 },
      { completionId: "c-d", rank: 4, score: 1, comment: "worst", shownPosition: 3 },
    ]);
  });

  it("give the ranks the answer's tiers give, for every ranking of 4 positions into ranks 1–4 (ties included)", () => {
    for (let code = 0; code < 4 ** 4; code++) {
      const ranks = new Map(order.map((_, i) => [i + 1, 1 + (Math.floor(code / 4 ** i) % 4)] as [number, number]));
      const tiers = [...new Set(ranks.values())].sort((a, b) => a - b).map((r) => order.filter((_, i) => ranks.get(i + 1) === r));
      const expected = Object.fromEntries(tiersToRanks(tiers));
      const entries = judgeEntriesOf(order, { feedback: [], ranks });
      expect(Object.fromEntries(entries.map((e) => [e.completionId, e.rank]))).toEqual(expected);
    }
  });

  it("leave out a position the answer did not rank", () => {
    const entries = judgeEntriesOf(order, { feedback: [], ranks: new Map([[2, 1]]) });
    expect(entries).toEqual([{ completionId: "c-b", rank: 1, score: null, comment: null, shownPosition: 1 }]);
  });
});
