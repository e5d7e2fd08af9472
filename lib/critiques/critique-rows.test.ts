import { describe, expect, it } from "vitest";
import { critiqueRows, excludeCriticalChosen, type RatedSpan } from "@/lib/critiques/critique-rows";
import { sliceCodePoints } from "@/lib/critiques/code-points";

// "Take 💊 " 0–6 (💊 at 5), "5 mg" 7–10, " daily." 11–17.
const completion = "Take 💊 5 mg daily.";
const span = (over: Partial<RatedSpan>): RatedSpan => ({
  start: 7,
  end: 11,
  text: "5 mg",
  tag: "wrong-dose",
  severity: "major",
  comment: "",
  correction: "",
  rater: "Rater 2",
  ...over,
});

describe("rows of the critiques export", () => {
  it("gives one row per candidate with its spans sorted by start, end, rater and tag", () => {
    const rows = critiqueRows({
      promptId: "p1",
      prompt: "How much?",
      candidates: [
        {
          completion,
          model: "m1",
          rank: 1.5,
          spans: [
            span({ tag: "unsafe", rater: "Rater 1" }),
            span({ start: 5, end: 11, text: "💊 5 mg", tag: "other", comment: "why a pill?", rater: "Rater 2" }),
            span({ rater: "Rater 1" }),
            span({ end: 17, text: "5 mg daily", severity: "critical", correction: "5 mg weekly" }),
            span({}),
          ],
        },
        { completion: "Nothing wrong.", model: "m2", rank: null, spans: [] },
      ],
    });
    expect(rows.map(({ spans, ...row }) => ({ ...row, spans: spans.map((s) => [s.start, s.end, s.rater, s.tag]) }))).toEqual([
      {
        prompt_id: "p1",
        prompt: "How much?",
        model: "m1",
        completion,
        rank: 1.5,
        spans: [
          [5, 11, "Rater 2", "other"],
          [7, 11, "Rater 1", "unsafe"],
          [7, 11, "Rater 1", "wrong-dose"],
          [7, 11, "Rater 2", "wrong-dose"],
          [7, 17, "Rater 2", "wrong-dose"],
        ],
      },
      { prompt_id: "p1", prompt: "How much?", model: "m2", completion: "Nothing wrong.", rank: null, spans: [] },
    ]);
    expect(rows[0]!.spans[0]).toEqual({
      start: 5,
      end: 11,
      text: "💊 5 mg",
      tag: "other",
      severity: "major",
      comment: "why a pill?",
      correction: "",
      rater: "Rater 2",
    });
    for (const s of rows[0]!.spans) expect(sliceCodePoints(completion, s.start, s.end)).toBe(s.text);
  });

  it("keeps only the export's fields of a span", () => {
    const extra = { ...span({}), id: "s1", revisionId: "r1" };
    expect(
      Object.keys(
        critiqueRows({ promptId: "p", prompt: "", candidates: [{ completion, model: "m", rank: 1, spans: [extra] }] })[0]!.spans[0]!,
      ),
    ).toEqual(["start", "end", "text", "tag", "severity", "comment", "correction", "rater"]);
  });

  it("refuses a span whose offsets do not slice its quote", () => {
    const rows = (spans: RatedSpan[]) => () =>
      critiqueRows({ promptId: "p9", prompt: "", candidates: [{ completion, model: "m1", rank: 1, spans }] });
    expect(rows([span({ text: "5 mg." })])).toThrow(
      "prompt p9, candidate 1 (m1): the span at 7–11 does not quote the completion's text there (was the completion changed?)",
    );
    expect(rows([span({ end: 30 })])).toThrow("prompt p9, candidate 1 (m1): the span at 7–30 does not quote");
  });
});

describe("excluding pairs whose chosen completion has a critical span", () => {
  it("drops those pairs and says which", () => {
    const pairs = [
      { chosen: 0, rejected: 1 },
      { chosen: 1, rejected: 2 },
      { chosen: 2, rejected: 0 },
    ];
    const spans = new Map([
      [0, [{ severity: "minor" as const }, { severity: "critical" as const }]],
      [1, [{ severity: "major" as const }]],
    ]);
    expect(excludeCriticalChosen(pairs, spans)).toEqual({
      kept: [
        { chosen: 1, rejected: 2 },
        { chosen: 2, rejected: 0 },
      ],
      dropped: [{ chosen: 0, rejected: 1 }],
    });
  });
});
