import { describe, expect, it } from "vitest";
import { evaluateAccuracy, pairCredit, type EvaluationPair } from "@/lib/rm-eval/accuracy";
import { consensusAsScores, judgeAsScores, type KeptPairVotes } from "@/lib/rm-eval/reference-rows";

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

describe("reference rows", () => {
  const kept: KeptPairVotes[] = [
    { pair: "v1", categories: ["easy"], outcome: "VERIFIED", votes: ["CHOSEN", "CHOSEN", "REJECTED"] },
    { pair: "o1", categories: ["hard", "human"], outcome: "OVERTURNED", votes: ["REJECTED", "REJECTED"] },
    // Adjudicated by an admin after one vote each way: the raters' majority is a tie.
    { pair: "a1", categories: ["hard"], outcome: "VERIFIED", votes: ["CHOSEN", "REJECTED"] },
  ];

  it("scores the original judge right on verified pairs and wrong on overturned ones", () => {
    // all (1 + 0 + 1) / 3; easy 1; hard (0 + 1) / 2; human 0.
    expect(evaluateAccuracy(judgeAsScores(kept)).accuracy).toEqual({ all: 2 / 3, easy: 1, hard: 0.5, length: null, human: 0, macro: 0.5 });
  });

  it("scores the clinicians' consensus by their majority vote on each kept pair, a split counting one half", () => {
    // v1 2–1 → 1; o1 2–0 for the kept chosen → 1; a1 1–1 → ½.
    expect(evaluateAccuracy(consensusAsScores(kept)).accuracy).toEqual({
      all: 2.5 / 3,
      easy: 1,
      hard: 0.75,
      length: null,
      human: 1,
      macro: (1 + 0.75 + 1) / 3,
    });
  });
});
