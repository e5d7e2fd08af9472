import { describe, expect, it } from "vitest";
import type { JudgeAnswer } from "@/lib/judge/judge-answer";
import { evaluateAccuracy } from "@/lib/rm-eval/accuracy";
import { judgeVerdictsAsScores, pairVerdictOf, type JudgedPair } from "@/lib/rm-eval/pair-verdicts";

const answer = (ranks: [number, number], scores: [number | null, number | null] = [null, null]): JudgeAnswer => ({
  feedback: scores.map((score, i) => ({ position: i + 1, evaluation: "", score })),
  ranks: new Map([
    [1, ranks[0]],
    [2, ranks[1]],
  ]),
});

describe("a judge's answer about a shown pair", () => {
  it("prefers the response it ranked better, ties on equal ranks, and keeps 1–5 scores only", () => {
    expect(pairVerdictOf(answer([1, 2], [4, 2]))).toEqual({ preferred: "first", firstScore: 4, secondScore: 2 });
    expect(pairVerdictOf(answer([2, 1], [7, 3]))).toEqual({ preferred: "second", firstScore: null, secondScore: 3 });
    expect(pairVerdictOf(answer([1, 1]))).toEqual({ preferred: "tie", firstScore: null, secondScore: null });
  });
});

describe("the judge's verdicts in both orders, as a reward model's scores", () => {
  const pair = (id: string, verdicts: JudgedPair["verdicts"]): JudgedPair => ({
    pair: id,
    categories: ["hard"],
    chosenCompletionId: "good",
    verdicts,
  });
  const both = (first: "first" | "second" | "tie" | null, second: "first" | "second" | "tie" | null) => [
    { firstCompletionId: "good", preferred: first },
    { firstCompletionId: "bad", preferred: second },
  ];

  it("credits a pair 1 when right in both orders, ½ when it follows the position or ties, 0 when wrong in both", () => {
    const { scored, unjudged } = judgeVerdictsAsScores([
      pair("right", both("first", "second")),
      pair("position-biased", both("first", "first")),
      pair("tie", both("tie", "tie")),
      pair("right-and-tie", both("first", "tie")),
      pair("wrong", both("second", "first")),
      pair("one-order-failed", both(null, "second")),
      pair("never-answered", both(null, null)),
    ]);
    expect(unjudged).toEqual(["never-answered"]);
    expect(scored.map((s) => [s.pair, s.chosenScore, s.rejectedScore])).toEqual([
      ["right", 2, 0],
      ["position-biased", 1, 1],
      ["tie", 1, 1],
      ["right-and-tie", 1.5, 0.5],
      ["wrong", 0, 2],
      ["one-order-failed", 1, 0],
    ]);
    // (1 + ½ + ½ + 1 + 0 + 1) / 6 = 4 / 6
    expect(evaluateAccuracy(scored).accuracy.all).toBeCloseTo(4 / 6, 12);
  });
});
