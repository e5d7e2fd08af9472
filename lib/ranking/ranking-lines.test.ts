import { describe, expect, it } from "vitest";
import { ordinal, rankingLines, rankingLineText } from "@/lib/ranking/ranking-lines";

describe("rankings as readable lines", () => {
  it("number places in English", () => {
    expect([1, 2, 3, 4, 10, 11, 12, 13, 21, 22, 23, 101, 111].map(ordinal)).toEqual([
      "1st",
      "2nd",
      "3rd",
      "4th",
      "10th",
      "11th",
      "12th",
      "13th",
      "21st",
      "22nd",
      "23rd",
      "101st",
      "111th",
    ]);
  });

  it("read '1st: Response 5 · gpt-3.5-turbo', ties sharing a place", () => {
    const candidates: Record<string, { label: number; model: string }> = {
      a: { label: 5, model: "gpt-3.5-turbo" },
      b: { label: 2, model: "Mixtral-8x7B-Instruct-v0.1" },
      c: { label: 7, model: "med42-70b" },
      d: { label: 1, model: "gpt-4" },
    };
    const lines = rankingLines(
      [["a"], ["b", "c"], ["d"]],
      (id) => candidates[id]!,
      (id) => (id === "a" ? "score 4" : null),
    );
    expect(lines.map(rankingLineText)).toEqual([
      "1st: Response 5 · gpt-3.5-turbo (score 4)",
      "2nd (tie): Response 2 · Mixtral-8x7B-Instruct-v0.1; Response 7 · med42-70b",
      "4th: Response 1 · gpt-4",
    ]);
  });

  it("leave the model out for readers who must not see it", () => {
    expect(rankingLines([["a"]], () => ({ label: 3, model: null })).map(rankingLineText)).toEqual(["1st: Response 3"]);
  });
});
