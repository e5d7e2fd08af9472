import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { judgePermutations } from "@/lib/judge/permutations";

const ids = ["a", "b", "c", "d", "e", "f", "g", "h"];

describe("judge permutations", () => {
  it("are permutations of the candidates, P of them, the same for the same seed", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 16 }), fc.integer({ min: 1, max: 6 }), fc.string(), (n, p, seed) => {
        const candidates = Array.from({ length: n }, (_, i) => `c${i}`);
        const orders = judgePermutations(candidates, p, seed);
        expect(orders).toHaveLength(p);
        for (const o of orders) expect([...o].sort()).toEqual([...candidates].sort());
        expect(judgePermutations([...candidates].reverse(), p, seed)).toEqual(orders);
      }),
    );
  });

  it("spread each candidate over positions: with P = 2 and N = 8, positions 4 apart", () => {
    const [first, second] = judgePermutations(ids, 2, "run-1:prompt-1");
    for (const id of ids) expect((second!.indexOf(id) - first!.indexOf(id) + 8) % 8).toBe(4);
  });

  it("with P = N, show every candidate at every position once", () => {
    const orders = judgePermutations(ids, 8, "seed");
    for (const id of ids) expect(new Set(orders.map((o) => o.indexOf(id))).size).toBe(8);
  });

  it("differ between seeds", () => {
    expect(judgePermutations(ids, 1, "a")[0]).not.toEqual(judgePermutations(ids, 1, "b")[0]);
  });
});
