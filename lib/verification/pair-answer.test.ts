import { describe, expect, it } from "vitest";
import { answerToVote, flagsToStored, goldVote, storedToFlags, voteToAnswer } from "@/lib/verification/pair-answer";

describe("a clinician's answer on the pair screen", () => {
  it("becomes a vote relative to the source's verdict through the order the assignment showed", () => {
    expect(answerToVote("A", true)).toBe("CHOSEN");
    expect(answerToVote("B", true)).toBe("REJECTED");
    expect(answerToVote("A", false)).toBe("REJECTED");
    expect(answerToVote("B", false)).toBe("CHOSEN");
    expect(answerToVote("TIE", false)).toBe("TIE");
    expect(answerToVote("BOTH_BAD", true)).toBe("BOTH_BAD");
  });

  it("comes back from the stored vote as the rater saw it", () => {
    for (const shown of [true, false])
      for (const answer of ["A", "B", "TIE", "BOTH_BAD"] as const) expect(voteToAnswer(answerToVote(answer, shown), shown)).toBe(answer);
  });

  it("stores flags against the source's chosen and rejected completion, whichever side they were on", () => {
    expect(flagsToStored({ A: ["unsafe"], B: ["incomplete", "factually-incorrect"] }, false)).toEqual([
      "chosen:incomplete",
      "chosen:factually-incorrect",
      "rejected:unsafe",
    ]);
    expect(storedToFlags(["chosen:incomplete", "rejected:unsafe"], false)).toEqual({ A: ["unsafe"], B: ["incomplete"] });
    expect(storedToFlags(["chosen:incomplete", "rejected:unsafe"], true)).toEqual({ A: ["incomplete"], B: ["unsafe"] });
  });
});

describe("a gold pair's expected vote", () => {
  const ranks = new Map([
    ["c1", 1],
    ["c2", 2],
    ["c3", 2],
  ]);
  it("follows the gold ranking of the pair's two completions", () => {
    expect(goldVote(ranks, { chosen: "c1", rejected: "c2" })).toBe("CHOSEN");
    expect(goldVote(ranks, { chosen: "c2", rejected: "c1" })).toBe("REJECTED");
    expect(goldVote(ranks, { chosen: "c2", rejected: "c3" })).toBe("TIE");
    expect(goldVote(ranks, { chosen: "c1", rejected: "c9" })).toBeNull();
  });
});
