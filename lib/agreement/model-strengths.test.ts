import { describe, expect, it } from "vitest";
import { addCellMoments, EveryModelMoments } from "@/lib/agreement/model-strengths";
import { seededRandom } from "@/lib/core/seeded-random";

/** A prompt's wins (n×n, a over b at a*n+b) from m rankings of random ranks 1–3 (ties included). */
function randomWins(random: () => number, n: number, m: number): Float64Array {
  const wins = new Float64Array(n * n);
  for (let r = 0; r < m; r++) {
    const ranks = Array.from({ length: n }, () => 1 + Math.floor(random() * 3));
    for (let a = 0; a < n; a++)
      for (let b = a + 1; b < n; b++) {
        if (ranks[a]! < ranks[b]!) wins[a * n + b]! += 1;
        else if (ranks[a]! > ranks[b]!) wins[b * n + a]! += 1;
        else {
          wins[a * n + b]! += 0.5;
          wins[b * n + a]! += 0.5;
        }
      }
  }
  return wins;
}

describe("the model comparison's cell moments", () => {
  it("summed from half the cells for prompts with every model once equal the moments summed cell by cell", () => {
    const k = 5;
    const random = seededRandom("every-model");
    const everyModel = new EveryModelMoments(k);
    const halfSums = new Float64Array(k * k);
    const halfCross = new Float64Array(k ** 4);
    const cellSums = new Float64Array(k * k);
    const cellCross = new Float64Array(k ** 4);
    for (let p = 0; p < 200; p++) {
      // Every model once, in a shuffled order; 1 to 4 rankings.
      const models = Int32Array.from({ length: k }, (_, i) => i).sort(() => random() - 0.5);
      const m = 1 + Math.floor(random() * 4);
      const wins = randomWins(random, k, m);
      expect(everyModel.add(wins, k, m, models, 0)).toBe(true);
      addCellMoments(wins, k, models, 0, k, cellSums, cellCross);
    }
    everyModel.foldInto(halfSums, halfCross);
    expect(halfSums).toEqual(cellSums);
    expect(halfCross).toEqual(cellCross);
    expect(cellCross.some((x) => x > 0)).toBe(true);
  });

  it("leave a prompt missing a model (or naming one twice) to be summed cell by cell", () => {
    const everyModel = new EveryModelMoments(3);
    const wins = randomWins(seededRandom("missing"), 3, 2);
    expect(everyModel.add(wins.subarray(0, 4), 2, 2, Int32Array.of(0, 2), 0)).toBe(false);
    expect(everyModel.add(wins, 3, 2, Int32Array.of(0, 2, 2), 0)).toBe(false);
    const sums = new Float64Array(9);
    const cross = new Float64Array(81);
    everyModel.foldInto(sums, cross);
    expect(sums.every((x) => x === 0) && cross.every((x) => x === 0)).toBe(true);
  });
});
