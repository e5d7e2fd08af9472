import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { zodProblems } from "@/lib/errors/zod-problems";
import { critiqueSpanSchema, hasCriticalSpan, validateSpans, type CritiqueSpan } from "@/lib/critiques/spans";
import { DEFAULT_TAXONOMY } from "@/lib/critiques/taxonomy";

// Code points: "Give " 0–4, "50 mg" 5–9, " of " 10–13, "warfarin" 14–21, " daily " 22–28, 💊 29, "." 30 → 31.
const completion = "Give 50 mg of warfarin daily 💊.";
const span = (over: Partial<CritiqueSpan>): CritiqueSpan => ({
  start: 5,
  end: 10,
  text: "50 mg",
  tag: "wrong-dose",
  severity: "major",
  comment: "",
  correction: "",
  ...over,
});

describe("a span's input shape", () => {
  const schema = critiqueSpanSchema(DEFAULT_TAXONOMY);
  it("defaults comment and correction to empty text", () => {
    const parsed: CritiqueSpan = schema.parse({ start: 5, end: 10, text: "50 mg", tag: "wrong-dose", severity: "major" });
    expect(parsed).toEqual(span({}));
  });

  it("refuses unknown tags and severities, fractional offsets and notes over 2,000 characters", () => {
    const parsed = schema.safeParse({
      start: 1.5,
      end: 10,
      text: "50 mg",
      tag: "dose",
      severity: "fatal",
      comment: "x".repeat(2001),
      correction: "💊".repeat(2000),
    });
    expect(parsed.success ? [] : zodProblems(parsed.error)).toEqual([
      { field: "start", message: "offsets are whole numbers" },
      {
        field: "tag",
        message:
          "pick one of the tags: factually-incorrect, unsafe, wrong-dose, contraindication, outdated-guideline, hallucinated-reference, incomplete, irrelevant, other",
      },
      { field: "severity", message: "the severity is minor, major or critical" },
      { field: "comment", message: "the comment is limited to 2,000 characters" },
    ]);
  });
});

describe("validating spans against their completion", () => {
  it("accepts spans whose quotes match, overlapping spans and one text under two tags", () => {
    const spans = [
      span({}),
      span({ start: 5, end: 22, text: "50 mg of warfarin", tag: "contraindication", severity: "critical" }),
      span({ start: 5, end: 10, text: "50 mg", tag: "unsafe" }),
      span({ start: 28, end: 30, text: " 💊", tag: "irrelevant", severity: "minor" }),
    ];
    expect(validateSpans(completion, spans, DEFAULT_TAXONOMY)).toEqual({ ok: true });
  });

  it("names the span and the field, with a message a clinician can act on", () => {
    const spans = [
      span({}),
      span({ start: 14, end: 22, text: "aspirin" }),
      span({ start: 20, end: 40, text: "in daily" }),
      span({ start: 9, end: 9, text: "" }),
      span({ start: -1, end: 3, text: "Giv" }),
      span({ tag: "typo" }),
      span({ severity: "fatal" as CritiqueSpan["severity"] }),
      span({ comment: "same as span 1" }),
    ];
    expect(validateSpans(completion, spans, DEFAULT_TAXONOMY)).toEqual({
      ok: false,
      problems: [
        {
          index: 1,
          field: "text",
          message: 'span 2: the quoted text "aspirin" does not match the text at 14–22 ("warfarin"); select the text again',
        },
        {
          index: 2,
          field: "end",
          message: "span 3: the span ends at 40, after the end of the response (31 characters); select the text again",
        },
        { index: 3, field: "end", message: "span 4: the span is empty (it starts at 9 and ends at 9); select at least one character" },
        { index: 4, field: "start", message: "span 5: the start (-1) is not a position in the response; select the text again" },
        { index: 5, field: "tag", message: 'span 6: "typo" is not a tag of this project\'s taxonomy; pick one of the listed tags' },
        { index: 6, field: "severity", message: "span 7: the severity is minor, major or critical" },
        {
          index: 7,
          field: "tag",
          message: 'span 8: the same text (5–10) is already marked "Wrong dose or unit" by span 1; edit that span instead',
        },
      ],
    });
  });

  it("shortens long quotes in messages and shows whitespace runs as one space", () => {
    const long = "a\n\nb ".repeat(20);
    const result = validateSpans(completion, [span({ start: 0, end: 4, text: long })], DEFAULT_TAXONOMY);
    expect(result).toEqual({
      ok: false,
      problems: [
        {
          index: 0,
          field: "text",
          message: `span 1: the quoted text "${"a b ".repeat(9)}a b…" does not match the text at 0–4 ("Give"); select the text again`,
        },
      ],
    });
  });
});

describe("critical spans", () => {
  it("are found in any position, and not in an empty list", () => {
    expect(hasCriticalSpan([{ severity: "minor" }, { severity: "critical" }])).toBe(true);
    expect(hasCriticalSpan([{ severity: "minor" }, { severity: "major" }])).toBe(false);
    expect(hasCriticalSpan([])).toBe(false);
  });
});

describe("validating spans (property)", () => {
  it("accepts any span whose text is the completion's slice, and refuses it with one character changed", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-composite", minLength: 1 }), fc.nat(), fc.nat(), (text, a, b) => {
        const points = Array.from(text);
        const [start, last] = [a % points.length, b % points.length].sort((x, y) => x - y) as [number, number];
        const quoted = span({ start, end: last + 1, text: points.slice(start, last + 1).join("") });
        expect(validateSpans(text, [quoted], DEFAULT_TAXONOMY)).toEqual({ ok: true });
        const changed = { ...quoted, text: `${quoted.text.slice(0, -1)}\u0000` };
        expect(validateSpans(text, [changed], DEFAULT_TAXONOMY)).toMatchObject({ ok: false, problems: [{ index: 0, field: "text" }] });
      }),
    );
  });
});
