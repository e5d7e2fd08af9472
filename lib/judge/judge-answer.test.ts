import { describe, expect, it } from "vitest";
import { extractJson } from "@/lib/judge/extract-json";
import { parseJudgeAnswer } from "@/lib/judge/judge-answer";

const structured = JSON.stringify({
  feedback: [1, 2, 3].map((r) => ({ response: r, evaluation: `about ${r}`, score: 6 - r })),
  ranking: [
    { rank: 1, response: 1 },
    { rank: 2, response: 2 },
    { rank: 3, response: 3 },
  ],
});

describe("extracting the JSON of a judge's answer", () => {
  it("reads bare JSON, a fenced block, or an object inside prose", () => {
    expect(extractJson('{"a":1}')).toEqual({ ok: true, value: { a: 1 } });
    expect(extractJson('Here you go:\n```json\n{"a": 2}\n```\nThanks')).toEqual({ ok: true, value: { a: 2 } });
    expect(extractJson('I think {"a": {"b": "}"}} is right.')).toEqual({ ok: true, value: { a: { b: "}" } } });
  });
  it("says why when there is none", () => {
    expect(extractJson("No JSON here")).toEqual({ ok: false, reason: "the answer contains no JSON object" });
    expect(extractJson('{"a": 1')).toMatchObject({ ok: false, reason: "the JSON object in the answer is not closed" });
  });
});

describe("parsing a judge's ranking", () => {
  it("reads MedPref's structured answer", () => {
    const r = parseJudgeAnswer(structured, 3);
    expect(r.ok && Object.fromEntries(r.answer.ranks)).toEqual({ 1: 1, 2: 2, 3: 3 });
    expect(r.ok && r.answer.feedback[0]).toEqual({ position: 1, evaluation: "about 1", score: 5 });
  });

  it("reads UltraMedical's judge output with Model i keys, Evaluation and Score", () => {
    const ultra =
      '```json\n{"feedback": {"Model 1": {"Evaluation": "ok", "Score": 7}, "Model 2": {"Evaluation": "best", "Score": 9}}, "ranking": [{"rank": 1, "model": "Model 2"}, {"rank": 2, "model": "Model 1"}]}\n```';
    const r = parseJudgeAnswer(ultra, 2);
    expect(r.ok && Object.fromEntries(r.answer.ranks)).toEqual({ 1: 2, 2: 1 });
    expect(r.ok && r.answer.feedback.map((f) => f.score)).toEqual([7, 9]);
  });

  it("shifts files that count from Model 0", () => {
    const zero = JSON.stringify({
      feedback: { "Model 0": { Score: 3 }, "Model 1": { Score: 5 } },
      ranking: [
        { rank: 1, model: "Model 1" },
        { rank: 2, model: "Model 0" },
      ],
    });
    const r = parseJudgeAnswer(zero, 2);
    expect(r.ok && Object.fromEntries(r.answer.ranks)).toEqual({ 2: 1, 1: 2 });
  });

  it("refuses a ranking that misses or repeats a candidate, or names one that does not exist", () => {
    const missing = JSON.stringify({
      ranking: [
        { rank: 1, response: 1 },
        { rank: 2, response: 2 },
      ],
    });
    expect(parseJudgeAnswer(missing, 3)).toEqual({ ok: false, problems: ["the ranking leaves out Response 3"] });
    const repeated = JSON.stringify({
      ranking: [
        { rank: 1, response: 1 },
        { rank: 2, response: 1 },
        { rank: 3, response: 2 },
      ],
    });
    expect(parseJudgeAnswer(repeated, 3)).toEqual({
      ok: false,
      problems: ["the ranking lists Response 1 more than once", "the ranking leaves out Response 3"],
    });
    const unknown = JSON.stringify({
      ranking: [
        { rank: 1, response: 1 },
        { rank: 2, response: 9 },
      ],
    });
    expect(parseJudgeAnswer(unknown, 2)).toMatchObject({
      ok: false,
      problems: ["the ranking names Response 9, but only Response 1 to Response 2 exist", "the ranking leaves out Response 2"],
    });
  });

  it("accepts ties only between equal scores", () => {
    const tie = (s1: number, s2: number) =>
      JSON.stringify({
        feedback: [
          { response: 1, evaluation: "", score: s1 },
          { response: 2, evaluation: "", score: s2 },
        ],
        ranking: [
          { rank: 1, response: 1 },
          { rank: 1, response: 2 },
        ],
      });
    expect(parseJudgeAnswer(tie(4, 4), 2).ok).toBe(true);
    expect(parseJudgeAnswer(tie(4, 3), 2)).toEqual({ ok: false, problems: ["Responses 1, 2 share rank 1 but do not have equal scores"] });
  });

  it("reads a plain best-first list as ranks in order", () => {
    const r = parseJudgeAnswer('{"ranking": ["Response 2", "Response 1"]}', 2);
    expect(r.ok && Object.fromEntries(r.answer.ranks)).toEqual({ 2: 1, 1: 2 });
  });
});
