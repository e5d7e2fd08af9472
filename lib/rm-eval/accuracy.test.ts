import { describe, expect, it } from "vitest";
import { evaluateAccuracy, pairCredit, type EvaluationPair } from "@/lib/rm-eval/accuracy";

const pair = (id: string, categories: EvaluationPair["categories"], chosenScore: number, rejectedScore: number): EvaluationPair => ({
  pair: id,
  categories,
  chosenScore,
  rejectedScore,
});

// Credits: p1 1, p2 ½ (tie), p3 0, p4 1, p5 0.
const benchmark = [
  pair("p1", ["easy"], 2, 1),
  pair("p2", ["easy", "length"], 1, 1),
  pair("p3", ["hard"], 0, 1),
  pair("p4", ["hard", "human"], 3, 2),
  pair("p5", ["length"], 0.2, 0.9),
];

describe("pairCredit", () => {
  it("is 1 when the chosen completion scores higher, ½ on equal scores, 0 when lower", () => {
    expect([pairCredit(2, 1), pairCredit(-1, -1), pairCredit(0, 0.5)]).toEqual([1, 0.5, 0]);
  });
});

describe("evaluateAccuracy", () => {
  it("gives accuracy per category, overall and the macro mean of the categories, ties counting one half", () => {
    const report = evaluateAccuracy(benchmark);
    expect(report.pairs).toBe(5);
    // all (1 + ½ + 0 + 1 + 0) / 5; easy (1 + ½) / 2; hard (0 + 1) / 2; length (½ + 0) / 2; human 1 / 1.
    expect(report.accuracy).toEqual({ all: 0.5, easy: 0.75, hard: 0.5, length: 0.25, human: 1, macro: (0.75 + 0.5 + 0.25 + 1) / 4 });
    expect(report.counts).toEqual({ all: 5, easy: 2, hard: 2, length: 2, human: 1 });
  });

  it("leaves a category without pairs null and out of the macro mean", () => {
    const report = evaluateAccuracy(benchmark.filter((p) => !p.categories.includes("human")));
    expect(report.accuracy).toEqual({ all: 0.375, easy: 0.75, hard: 0, length: 0.25, human: null, macro: (0.75 + 0 + 0.25) / 3 });
    expect(report.ci95.human).toBeNull();
    expect(report.counts.human).toBe(0);
  });

  it("is null everywhere for no pairs", () => {
    const report = evaluateAccuracy([]);
    expect(report.accuracy).toEqual({ all: null, easy: null, hard: null, length: null, human: null, macro: null });
    expect(report.ci95).toEqual({ all: null, easy: null, hard: null, length: null, human: null, macro: null });
  });

  it("gives the same 95% intervals for the same seed, around the accuracy", () => {
    const first = evaluateAccuracy(benchmark, { seed: "s1" });
    expect(evaluateAccuracy(benchmark, { seed: "s1" }).ci95).toEqual(first.ci95);
    for (const key of ["all", "easy", "hard", "length", "human", "macro"] as const) {
      const [lo, hi] = first.ci95[key]!;
      expect(lo).toBeLessThanOrEqual(first.accuracy[key]!);
      expect(hi).toBeGreaterThanOrEqual(first.accuracy[key]!);
      expect(lo).toBeGreaterThanOrEqual(0);
      expect(hi).toBeLessThanOrEqual(1);
    }
    expect(first.seed).toBe("s1");
    expect(first.resamples).toBe(1000);
  });

  it("has a zero-width interval when every pair is right", () => {
    const report = evaluateAccuracy([pair("a", ["easy"], 1, 0), pair("b", ["hard"], 5, 4)], { seed: "7" });
    expect(report.ci95.all).toEqual([1, 1]);
    expect(report.ci95.macro).toEqual([1, 1]);
  });
});
