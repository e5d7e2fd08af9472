import { describe, expect, it } from "vitest";
import type { ExportPrompt, ExportRanking } from "@/lib/export/export-prompt";
import { judgeRunPairs } from "@/lib/verification/candidate-pairs";

const ranking = (kind: ExportRanking["kind"], ranks: number[], over: Partial<ExportRanking> = {}): ExportRanking => ({
  kind,
  rater: kind === "JUDGE" ? "judge:run-1" : "Clinician 1",
  runId: kind === "JUDGE" ? "run-1" : null,
  permutation: null,
  ranks: Float64Array.from(ranks),
  scores: ranks.map(() => null),
  scoreScale: [1, 5],
  flags: ranks.map(() => []),
  spans: [],
  ...over,
});

const prompt = (rankings: ExportRanking[]): ExportPrompt => ({
  id: "prompt-1",
  project: "demo",
  messages: [{ role: "user", content: "Dose?" }],
  source: "medqa",
  promptType: "exam",
  candidates: [
    { completionId: "a", model: "m-a", text: "short" },
    { completionId: "b", model: "m-b", text: "a much longer answer" },
    { completionId: "c", model: "m-c", text: "mid length" },
  ],
  rankings,
});

describe("judgeRunPairs", () => {
  it("binarises the run's consensus over its permutations and says how sure the judge was", () => {
    const judged = prompt([
      ranking("JUDGE", [1, 3, 2], { permutation: 0, scores: [5, 1, 3] }),
      ranking("JUDGE", [1, 2, 3], { permutation: 1, scores: [5, 2, 2] }),
      ranking("HUMAN", [3, 2, 1]),
      ranking("JUDGE", [3, 2, 1], { runId: "another-run", rater: "judge:another-run" }),
    ]);
    const [best] = judgeRunPairs(judged, "run-1", "best-worst", 0);
    // Consensus mean ranks: a 1, b 2.5, c 2.5 → b and c tie for worst; the seeded draw picks one.
    expect(best!.chosenCompletionId).toBe("a");
    expect(["b", "c"]).toContain(best!.rejectedCompletionId);
    const rejectedIsB = best!.rejectedCompletionId === "b";
    expect(best!.judge).toEqual({
      run: "run-1",
      chosenRank: 1,
      rejectedRank: 2.5,
      chosenScore: 5,
      rejectedScore: rejectedIsB ? 1.5 : 2.5,
      positionFlips: 0,
      humanDisagreement: 1,
    });
    // Mean of: flips 0, rank gap 1 − 1.5/2 = 0.25, score gap 1 − |Δ|/4, clinicians 1.
    const scoreTerm = rejectedIsB ? 1 - 3.5 / 4 : 1 - 2.5 / 4;
    expect(best!.uncertainty).toBeCloseTo((0 + 0.25 + scoreTerm + 1) / 4, 12);
    // easy: gap 1.5 ≥ (3 − 1) / 2; chosen "short" is shorter than either, so length too.
    expect(best!.categories).toEqual(["easy", "length"]);
  });

  it("gives nothing for a prompt the run did not rank or ranked all tied", () => {
    expect(judgeRunPairs(prompt([ranking("HUMAN", [1, 2, 3])]), "run-1", "best-worst", 0)).toEqual([]);
    expect(judgeRunPairs(prompt([ranking("JUDGE", [1, 1, 1])]), "run-1", "best-worst", 0)).toEqual([]);
  });
});
