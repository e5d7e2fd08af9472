import { describe, expect, it } from "vitest";
import { critiqueInstructions, critiqueJsonSchemaProperties, parseJudgeCritiques } from "@/lib/critiques/judge-critique-answer";
import { DEFAULT_TAXONOMY } from "@/lib/critiques/taxonomy";

// Response 1: "Give " 0–4, "50 mg" 5–9, " of warfarin daily." 10–28. Response 2: "Take aspirin 81 mg daily." — "aspirin" 5–11.
const shown = ["Give 50 mg of warfarin daily.", "Take aspirin 81 mg daily."];
const answer = (critiques: unknown) => JSON.stringify({ feedback: [], ranking: [], critiques });

describe("reading a judge's critiques", () => {
  it("maps each quote to a span of the response it names", () => {
    const parsed = parseJudgeCritiques(
      answer([
        { response: 1, quote: "50 mg", tag: "wrong-dose", severity: "critical", comment: "Usual start is 5 mg." },
        { response: 2, quote: "Aspirin", tag: "contraindication", severity: "major", comment: "Bleeding risk with warfarin." },
      ]),
      shown,
      DEFAULT_TAXONOMY,
    );
    expect(Object.fromEntries(parsed.spans)).toEqual({
      1: [{ start: 5, end: 10, text: "50 mg", tag: "wrong-dose", severity: "critical", comment: "Usual start is 5 mg.", correction: "" }],
      // Matched after normalising case; the span quotes the response's own text.
      2: [
        {
          start: 5,
          end: 12,
          text: "aspirin",
          tag: "contraindication",
          severity: "major",
          comment: "Bleeding risk with warfarin.",
          correction: "",
        },
      ],
    });
    expect(parsed).toMatchObject({ unmatched: [], matches: { exact: 1, normalized: 1, fuzzy: 0, unmatched: 0 }, notes: [] });
  });

  it("maps unknown tags to other and bad severities to major, with a note; accepts a tag's label", () => {
    const parsed = parseJudgeCritiques(
      {
        Critiques: [
          { Response: "Response 1", Quote: "warfarin", Tag: "drug-interaction", Severity: "severe", Comment: "x" },
          { response: 1, quote: "daily", tag: "Incomplete", severity: "MINOR", comment: "y" },
        ],
      },
      shown,
      DEFAULT_TAXONOMY,
    );
    expect(parsed.spans.get(1)?.map(({ start, end, tag, severity }) => ({ start, end, tag, severity }))).toEqual([
      { start: 14, end: 22, tag: "other", severity: "major" },
      { start: 23, end: 28, tag: "incomplete", severity: "minor" },
    ]);
    expect(parsed.notes).toEqual([
      'critique 1: the tag "drug-interaction" is not in the taxonomy; taken as "other"',
      'critique 1: the severity "severe" is not minor, major or critical; taken as major',
    ]);
  });

  it("keeps and reports quotes found nowhere in their response", () => {
    const parsed = parseJudgeCritiques(
      answer([
        {
          response: 2,
          quote: "as shown by Smith et al. (2021)",
          tag: "hallucinated-reference",
          severity: "major",
          comment: "No such study.",
        },
      ]),
      shown,
      DEFAULT_TAXONOMY,
    );
    expect(parsed.spans.size).toBe(0);
    expect(parsed.unmatched).toEqual([
      {
        position: 2,
        quote: "as shown by Smith et al. (2021)",
        tag: "hallucinated-reference",
        severity: "major",
        comment: "No such study.",
      },
    ]);
    expect(parsed.matches.unmatched).toBe(1);
  });

  it("leaves out critiques without a response or a quote, and repeats of the same text and tag", () => {
    const parsed = parseJudgeCritiques(
      answer([
        { response: 3, quote: "50 mg", tag: "wrong-dose", severity: "major", comment: "" },
        { response: 1, quote: " ", tag: "wrong-dose", severity: "major", comment: "" },
        "not an object",
        { response: 1, quote: "50 mg", tag: "wrong-dose", severity: "major", comment: "" },
        { response: 1, quote: "50 MG", tag: "wrong-dose", severity: "minor", comment: "again" },
      ]),
      shown,
      DEFAULT_TAXONOMY,
    );
    expect(parsed.spans.get(1)).toHaveLength(1);
    expect(parsed.notes).toEqual([
      "critique 1: names no shown response (Response 1 to Response 2); left out",
      "critique 2: has no quote; left out",
      "critique 3: not an object; left out",
      "critique 5: repeats an earlier critique of the same text with the same tag; left out",
    ]);
  });

  it("places a quote given twice in one response on its successive occurrences", () => {
    const parsed = parseJudgeCritiques(
      answer([
        { response: 1, quote: "mg", tag: "wrong-dose", severity: "major", comment: "" },
        { response: 1, quote: "mg", tag: "wrong-dose", severity: "major", comment: "" },
      ]),
      ["5 mg now, then 10 mg."],
      DEFAULT_TAXONOMY,
    );
    expect(parsed.spans.get(1)?.map((s) => [s.start, s.end])).toEqual([
      [2, 4],
      [18, 20],
    ]);
  });

  it("says what is wrong with an answer without critiques", () => {
    expect(parseJudgeCritiques('{"ranking": []}', shown, DEFAULT_TAXONOMY).notes).toEqual(['the answer has no "critiques" list']);
    expect(parseJudgeCritiques('{"critiques": "none"}', shown, DEFAULT_TAXONOMY).notes).toEqual(['"critiques" is not a list']);
    expect(parseJudgeCritiques("no JSON here", shown, DEFAULT_TAXONOMY).notes).toEqual(["the answer contains no JSON object"]);
    expect(parseJudgeCritiques(answer([]), shown, DEFAULT_TAXONOMY)).toEqual({
      spans: new Map(),
      unmatched: [],
      matches: { exact: 0, normalized: 0, fuzzy: 0, unmatched: 0 },
      notes: [],
    });
  });

  it("cuts comments to 2,000 code points", () => {
    const parsed = parseJudgeCritiques(
      answer([{ response: 1, quote: "50 mg", tag: "wrong-dose", severity: "major", comment: "💊".repeat(2001) }]),
      shown,
      DEFAULT_TAXONOMY,
    );
    expect(parsed.spans.get(1)?.[0]?.comment).toBe("💊".repeat(2000));
  });
});

describe("asking a judge for critiques", () => {
  it("describes the critiques list for Structured Outputs, tags limited to the taxonomy", () => {
    const schema = critiqueJsonSchemaProperties(["wrong-dose", "other"], 4);
    expect(schema.critiques.items.required).toEqual(["response", "quote", "tag", "severity", "comment"]);
    expect(schema.critiques.items.properties).toEqual({
      response: { type: "integer", minimum: 1, maximum: 4 },
      quote: { type: "string" },
      tag: { type: "string", enum: ["wrong-dose", "other"] },
      severity: { type: "string", enum: ["minor", "major", "critical"] },
      comment: { type: "string" },
    });
  });

  it("lists every tag with its label and the three severities in the instructions", () => {
    const text = critiqueInstructions(DEFAULT_TAXONOMY);
    expect(text).toContain("- wrong-dose: Wrong dose or unit\n");
    expect(text).toContain("- other: Other\n");
    expect(text).toContain('"severity": "minor|major|critical"');
    expect(text).toContain("Copy each quote exactly as it appears in the response");
  });
});
