import { describe, expect, it } from "vitest";
import type { RawRecord } from "@/lib/import/read-records";
import { ScoreCollector, type TargetPair } from "@/lib/rm-eval/score-records";

const target = (
  pair: string,
  promptId: string,
  externalId: string | null,
  chosen: string,
  rejected: string,
  categories: TargetPair["categories"],
): TargetPair => ({
  pair,
  promptId,
  externalId,
  chosen: { completionId: `${promptId}-${chosen}`, model: chosen },
  rejected: { completionId: `${promptId}-${rejected}`, model: rejected },
  categories,
  promptModels: ["m1", "m2", "m3"],
});

const targets = [target("pa", "uuid-1", "q-1", "m1", "m2", ["easy"]), target("pb", "uuid-2", null, "m3", "m1", ["hard", "human"])];
const lines = (...values: unknown[]): RawRecord[] => values.map((value, i) => ({ location: `line ${i + 1}`, value }));

function collect(records: RawRecord[]) {
  const collector = new ScoreCollector(targets);
  for (const r of records) collector.add(r);
  return { pairs: collector.finish(), problems: collector.problems.shown.map((p) => `${p.location}: ${p.field}: ${p.reason}`) };
}

describe("ScoreCollector", () => {
  it("scores each pair from {prompt_id, model, score} lines, by imported or MedPref prompt id, ignoring unpaired candidates", () => {
    const { pairs, problems } = collect(
      lines(
        { prompt_id: "q-1", model: "m1", score: 0.9 },
        { prompt_id: "uuid-1", model: "m2", score: 0.1 },
        { prompt_id: "q-1", model: "m3", score: 5 },
        { prompt_id: "uuid-2", model: "m3", score: -1 },
        { prompt_id: "uuid-2", model: "m1", score: -1 },
      ),
    );
    expect(problems).toEqual([]);
    expect(pairs).toEqual([
      { pair: "pa", categories: ["easy"], chosenScore: 0.9, rejectedScore: 0.1 },
      { pair: "pb", categories: ["hard", "human"], chosenScore: -1, rejectedScore: -1 },
    ]);
  });

  it("scores each pair from {pair_id, chosen_score, rejected_score} lines", () => {
    const { pairs } = collect(
      lines({ pair_id: "pb", chosen_score: 1, rejected_score: 2 }, { pair_id: "pa", chosen_score: 3, rejected_score: 3 }),
    );
    expect(pairs).toEqual([
      { pair: "pa", categories: ["easy"], chosenScore: 3, rejectedScore: 3 },
      { pair: "pb", categories: ["hard", "human"], chosenScore: 1, rejectedScore: 2 },
    ]);
  });

  it("names every unknown, duplicate, non-numeric and mixed line, and every pair left without a score", () => {
    const { pairs, problems } = collect(
      lines(
        { prompt_id: "q-1", model: "m1", score: "high" },
        { prompt_id: "q-9", model: "m1", score: 1 },
        { prompt_id: "q-1", model: "gpt-9", score: 1 },
        { prompt_id: "uuid-2", model: "m3", score: 1 },
        { prompt_id: "uuid-2", model: "m3", score: 2 },
        { pair_id: "pa", chosen_score: 1, rejected_score: 0 },
      ),
    );
    expect(pairs).toBeNull();
    expect(problems).toEqual([
      "line 1: score: must be a number",
      'line 2: prompt_id: no pair of this benchmark has prompt "q-9" (matched by MedPref id or by the imported id)',
      'line 3: model: prompt "q-1" has no completion from model "gpt-9"',
      'line 5: model: model "m3" on prompt "uuid-2" is scored twice (also at line 4)',
      "line 6: pair_id: the file's first line is {prompt_id, model, score}: every line must have that shape",
    ]);
  });

  it("refuses a file that leaves a pair without its scores, naming the pair", () => {
    const { pairs, problems } = collect(
      lines({ pair_id: "pa", chosen_score: 1, rejected_score: 0 }, { pair_id: "px", chosen_score: 1, rejected_score: 0 }),
    );
    expect(pairs).toBeNull();
    expect(problems).toEqual(['line 2: pair_id: no pair "px" in this benchmark']);
    const missing = collect(
      lines(
        { prompt_id: "q-1", model: "m1", score: 1 },
        { prompt_id: "q-1", model: "m2", score: 0 },
        { prompt_id: "uuid-2", model: "m3", score: 0 },
      ),
    );
    expect(missing.pairs).toBeNull();
    expect(missing.problems).toEqual([
      'file: pair pb: missing: no score for model "m1" on prompt "uuid-2" (the pair\'s rejected completion)',
    ]);
  });

  it("refuses an empty file", () => {
    expect(collect([]).problems).toEqual(["file: file: holds no scores"]);
  });
});
