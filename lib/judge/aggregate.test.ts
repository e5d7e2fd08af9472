import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fractionalRanks, meanRankConsensus } from "@/lib/agreement/fractional-ranks";
import { positionConsistency as agreementConsistency } from "@/lib/agreement/judge-agreement";
import { ReportViews } from "@/lib/agreement/rating-views";
import { reportColumns, type ReportPrompt } from "@/lib/agreement/report-data";
import { seededRandom, seededShuffle } from "@/lib/core/seeded-random";
import {
  aggregatePermutations,
  judgeConsensus,
  meanRankByShownPosition,
  positionConsistency,
  ranksByCompletion,
  type PermutationResult,
} from "@/lib/judge/aggregate";

/** A judge result from a best-first list of completion ids and the order they were shown in. */
function result(order: string[], bestFirst: string[], scores: Record<string, number> = {}): PermutationResult {
  return {
    order,
    ranks: new Map(order.map((id, i) => [i + 1, bestFirst.indexOf(id) + 1])),
    scores: new Map(order.map((id, i) => [i + 1, scores[id] ?? null])),
  };
}

describe("aggregating a judge's permutations", () => {
  it("is the mean-rank consensus of the permutations' fractional ranks (what exports load), and makes raw ranks fractional first", () => {
    // Exports hold fractional ranks already: there, judgeConsensus and meanRankConsensus agree exactly.
    const loaded = [fractionalRanks([1, 2, 3, 4]), fractionalRanks([2, 1, 1, 3]), fractionalRanks([1, 3, 2, 4])];
    expect([...judgeConsensus(loaded)]).toEqual([...meanRankConsensus(loaded)]);
    expect([...judgeConsensus(loaded)]).toEqual([1, 2.5, 2.5, 4]);
    // Raw ranks with a tie written as [1, 1, 2]: the tie counts as 1.5 each, as in the fractional form.
    expect([
      ...judgeConsensus([
        [1, 1, 2],
        [1, 2, 3],
      ]),
    ]).toEqual([...judgeConsensus([fractionalRanks([1, 1, 2]), fractionalRanks([1, 2, 3])])]);
    expect([
      ...judgeConsensus([
        [1, 1, 2],
        [1, 2, 3],
      ]),
    ]).toEqual([1, 2, 3]);
  });

  it("maps shown positions back to completions and orders them by mean rank", () => {
    const a = result(["x", "y", "z"], ["z", "x", "y"]);
    const b = result(["z", "y", "x"], ["z", "y", "x"]);
    const { tiers, meanRank } = aggregatePermutations([a, b]);
    expect(Object.fromEntries(meanRank)).toEqual({ x: 2.5, y: 2.5, z: 1 });
    expect(tiers).toEqual([["z"], ["x", "y"]]);
  });

  it("keeps equal mean ranks tied whatever the scores: the one rule of the agreement report and exports", () => {
    const a = result(["x", "y"], ["x", "y"], { x: 3, y: 5 });
    const b = result(["y", "x"], ["x", "y"], { x: 3, y: 5 });
    const c = result(["x", "y"], ["y", "x"], { x: 3, y: 5 });
    const d = result(["y", "x"], ["y", "x"], { x: 3, y: 5 });
    expect(aggregatePermutations([a, b, c, d]).tiers).toEqual([["x", "y"]]);
    // P = 2 with the two permutations disagreeing on the top: the top is a tie, not settled by scores.
    const first = result(["x", "y", "z"], ["x", "y", "z"], { x: 2, y: 5, z: 1 });
    const second = result(["y", "z", "x"], ["y", "x", "z"], { x: 2, y: 5, z: 1 });
    expect(aggregatePermutations([first, second]).tiers).toEqual([["x", "y"], ["z"]]);
  });

  it("gives the run page and the agreement report the same ranking and the same consistency for any permutations", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer(), (n, p, seed) => {
        const ids = Array.from({ length: n }, (_, i) => `c${i}`);
        const random = seededRandom(seed);
        // Each permutation: a shuffled shown order and ranks with ties (values 1..n, not all distinct).
        const results = Array.from({ length: p }, () => {
          const order = seededShuffle(ids, random);
          const bestFirst = seededShuffle(ids, random);
          const r = result(order, bestFirst, Object.fromEntries(ids.map((id) => [id, 1 + Math.floor(random() * 5)])));
          const tied = new Map([...r.ranks].map(([pos, rank]) => [pos, Math.min(rank, 1 + Math.floor(random() * n))]));
          return { ...r, ranks: tied };
        });
        const prompt: ReportPrompt = {
          id: "p",
          preview: "",
          source: null,
          promptType: null,
          models: ids,
          lengths: ids.map(() => 1),
          rankings: results.map((r, i) => ({
            kind: "JUDGE" as const,
            raterId: null,
            runId: "run",
            permutation: i,
            fromAssignment: false,
            timeOnTaskMs: null,
            flagged: false,
            ranks: fractionalRanks(ids.map((id) => ranksByCompletion(r).get(id)!)),
            shownPositions: Int16Array.from(ids, (id) => r.order.indexOf(id)),
          })),
        };
        const views = new ReportViews(reportColumns({ prompts: [prompt], raters: new Map(), runs: new Map() }), [0]);
        const report = views.judge[0]!;
        const levels = [...new Set(report)].sort((a, b) => a - b);
        expect(aggregatePermutations(results).tiers).toEqual(levels.map((l) => ids.filter((_, i) => report[i] === l)));
        const page = positionConsistency(results);
        const agreement = agreementConsistency(views.data, 0);
        if (p < 2) expect(agreement.prompts).toBe(0);
        else {
          expect(agreement.top1Agreement).toBe(page.top1Agreement ? 1 : 0);
          if (page.kendallTauB === null) expect(agreement.kendallTauB).toBeNull();
          else expect(agreement.kendallTauB).toBeCloseTo(page.kendallTauB, 12);
        }
      }),
    );
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
