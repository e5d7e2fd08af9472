import { describe, expect, it } from "vitest";
import { parseRankingRecord, resolveRankingClaim, type Candidate } from "@/lib/import/rankings/ranking-records";

const candidates: Candidate[] = ["gpt-4", "llama-3", "mixtral"].map((model, position) => ({ id: `c${position}`, model, position }));

function resolve(record: unknown) {
  const parsed = parseRankingRecord(record);
  if (!parsed.ok) return parsed;
  return resolveRankingClaim(parsed.value, candidates);
}

describe("imported rankings", () => {
  it("reads UltraMedical's fenced feedback string, Model i counting from 1", () => {
    const feedback =
      '```json\n{"feedback": {"Model 1": {"Evaluation": "ok", "Score": 3}, "Model 2": {"Evaluation": "best", "Score": 5}, "Model 3": {"Evaluation": "bad", "Score": 1}}, "ranking": [{"rank": 1, "model": "Model 2"}, {"rank": 2, "model": "Model 1"}, {"rank": 3, "model": "Model 3"}]}\n```';
    const r = resolve({ id: "medqa,0", feedback });
    expect(r).toMatchObject({ ok: true, value: { submission: { tiers: [["c1"], ["c0"], ["c2"]] } } });
    expect(r.ok && r.value.submission.details.c1).toEqual({ score: 5, flags: [], comment: "best" });
  });

  it("recognises files counting from Model 0, and prefers the parsed feedback.json field", () => {
    const parsed = {
      feedback: {
        "Model 0": { Evaluation: "a", Score: 2 },
        "Model 1": { Evaluation: "b", Score: 4 },
        "Model 2": { Evaluation: "c", Score: 3 },
      },
      ranking: [
        { rank: 1, model: "Model 1" },
        { rank: 2, model: "Model 2" },
        { rank: 3, model: "Model 0" },
      ],
    };
    expect(resolve({ id: 1, feedback: "not json at all", "feedback.json": parsed })).toMatchObject({
      ok: true,
      value: { submission: { tiers: [["c1"], ["c2"], ["c0"]] } },
    });
  });

  it("maps Model i through the record's model_outputs when it lists them", () => {
    const record = {
      id: "x",
      model_outputs: [{ mixtral: "…" }, { "gpt-4": "…" }, { "llama-3": "…" }],
      "feedback.json": {
        feedback: {},
        ranking: [
          { rank: 1, model: "Model 1" },
          { rank: 2, model: "Model 3" },
          { rank: 3, model: "Model 2" },
        ],
      },
    };
    expect(resolve(record)).toMatchObject({ ok: true, value: { submission: { tiers: [["c2"], ["c1"], ["c0"]] } } });
  });

  it("reads MedPref JSONL with ties as nested arrays and scores by model", () => {
    expect(
      resolve({
        prompt_id: "q1",
        annotator: "Dr. A",
        ranking: [["gpt-4", "mixtral"], "llama-3"],
        scores: { "gpt-4": 5, mixtral: 5, "llama-3": 2 },
      }),
    ).toMatchObject({
      ok: true,
      value: { submission: { tiers: [["c0", "c2"], ["c1"]], details: { c0: { score: 5 }, c1: { score: 2 } } } },
    });
    expect(parseRankingRecord({ prompt_id: "q1", annotator: "Dr. A", ranking: ["gpt-4", "llama-3", "mixtral"] })).toMatchObject({
      ok: true,
      value: { annotator: "Dr. A" },
    });
  });

  it("says what is wrong with a bad record", () => {
    expect(resolve({ prompt_id: "q1", ranking: ["gpt-4", "llama-3"] })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/"mixtral" is not ranked/),
    });
    expect(resolve({ prompt_id: "q1", ranking: ["gpt-4", "llama-3", "mixtral", "gpt-4"] })).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/more than once/),
    });
    expect(resolve({ prompt_id: "q1", ranking: ["gpt-4", "llama-3", "claude"] })).toMatchObject({
      ok: false,
      field: "ranking",
      reason: expect.stringMatching(/"claude"/),
    });
    expect(resolve({ ranking: ["gpt-4"] })).toMatchObject({ ok: false, field: "prompt_id" });
    expect(resolve({ id: "x", feedback: "I think model 2 is best." })).toMatchObject({ ok: false, field: "feedback" });
    expect(
      resolve({
        id: "x",
        "feedback.json": {
          ranking: [
            { rank: 1, model: "Model 1" },
            { rank: 2, model: "Model 2" },
          ],
        },
      }),
    ).toMatchObject({ ok: false, reason: expect.stringMatching(/leaves out Model 3/) });
    expect(resolve({ feedback: "{}" })).toMatchObject({ ok: false, field: "id" });
    expect(resolve([1, 2])).toMatchObject({ ok: false, field: "record" });
  });

  it("reads critique spans by model onto the candidates' ids, comment and correction defaulting to empty", () => {
    const span = { model: "mixtral", start: 4, end: 10, text: "200 mg", tag: "wrong-dose", severity: "major" };
    expect(resolve({ prompt_id: "q1", ranking: ["gpt-4", "llama-3", "mixtral"], spans: [span] })).toMatchObject({
      ok: true,
      value: {
        submission: {
          spans: [
            { completionId: "c2", start: 4, end: 10, text: "200 mg", tag: "wrong-dose", severity: "major", comment: "", correction: "" },
          ],
        },
      },
    });
    const unmarked = resolve({ prompt_id: "q1", ranking: ["gpt-4", "llama-3", "mixtral"] });
    expect(unmarked.ok && "spans" in unmarked.value.submission).toBe(false);
    expect(resolve({ prompt_id: "q1", ranking: ["gpt-4", "llama-3", "mixtral"], spans: [{ ...span, model: "claude" }] })).toEqual({
      ok: false,
      field: "spans[0].model",
      reason: `names "claude", which is not a model of this prompt's candidates`,
    });
    expect(resolve({ prompt_id: "q1", ranking: ["gpt-4", "llama-3", "mixtral"], spans: [{ ...span, severity: "fatal" }] })).toMatchObject({
      ok: false,
      field: "spans[0].severity",
    });
  });
});
