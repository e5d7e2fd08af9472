import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sliceCodePoints } from "@/lib/critiques/code-points";
import { FUZZY_MAX_DISTANCE_RATIO, matchQuote, matchQuotes } from "@/lib/critiques/quote-match";

// Offsets (all BMP, so code points = UTF-16 units): "500 mg twice daily" at 16–34 and again at 142–160,
// "Check renal function" 47–67, "Check renal function (eGFR) before starting" 47–90, "stop if eGFR < 30 mL/min"
// 92–116, "The patient's Metformin" 118–141; 175 in all.
const completion =
  "Start metformin 500 mg twice daily with meals. Check renal function (eGFR) before starting; stop if eGFR < 30 mL/min. The patient's Metformin 500 mg twice daily is first-line.";

describe("matching a judge's quote to the completion", () => {
  it("finds an exact quote at its first occurrence", () => {
    expect(matchQuote(completion, "500 mg twice daily")).toEqual({ kind: "exact", start: 16, end: 34, distance: 0 });
  });

  it("takes the first occurrence after the previous match's start, else the first", () => {
    expect(matchQuote(completion, "500 mg twice daily", 47)).toEqual({ kind: "exact", start: 142, end: 160, distance: 0 });
    expect(matchQuote(completion, "500 mg twice daily", 142)).toEqual({ kind: "exact", start: 16, end: 34, distance: 0 });
    expect(
      matchQuotes(completion, ["Check renal function", "500 mg twice daily", "a quote that is nowhere in it", "500 mg twice daily"]),
    ).toEqual([
      { kind: "exact", start: 47, end: 67, distance: 0 },
      { kind: "exact", start: 142, end: 160, distance: 0 },
      { kind: "unmatched" },
      // After 142 there is no further occurrence: the first one.
      { kind: "exact", start: 16, end: 34, distance: 0 },
    ]);
  });

  it("matches a quote differing in case, whitespace or typographic apostrophes after normalising", () => {
    expect(matchQuote(completion, "check   RENAL\nfunction")).toEqual({ kind: "normalized", start: 47, end: 67, distance: 0 });
    expect(matchQuote(completion, " The patient\u2019s metformin ")).toEqual({ kind: "normalized", start: 118, end: 141, distance: 0 });
  });

  it("matches a decomposed accent to a precomposed one", () => {
    // "Serve " 0–5, "cafe" 6–9, U+0301 10, " au" 11–13.
    expect(matchQuote("Serve cafe\u0301 au lait", "CAF\u00c9 au")).toEqual({ kind: "normalized", start: 6, end: 14, distance: 0 });
  });

  it("matches a quote with changed punctuation or a typo by edit distance, within 15% of its length", () => {
    expect(FUZZY_MAX_DISTANCE_RATIO).toBe(0.15);
    // An added comma: 1 edit of 44 code points (up to 6 allowed).
    expect(matchQuote(completion, "Check renal function (eGFR), before starting")).toEqual({
      kind: "fuzzy",
      start: 47,
      end: 90,
      distance: 1,
    });
    // "eGRF" for "eGFR": 2 edits of 24 (up to 3).
    expect(matchQuote(completion, "stop if eGRF < 30 mL/min")).toEqual({ kind: "fuzzy", start: 92, end: 116, distance: 2 });
    // A typo in a repeated quote follows the same occurrence rule: 1 edit of 18 (up to 2).
    expect(matchQuote(completion, "500 mg twise daily", 47)).toEqual({ kind: "fuzzy", start: 142, end: 160, distance: 1 });
  });

  it("refuses a fuzzy match beyond the threshold, so short quotes match only exactly or normalised", () => {
    // "500 mq": 1 edit of 6 code points; 15% of 6 rounds down to 0.
    expect(matchQuote(completion, "500 mq")).toEqual({ kind: "unmatched" });
    // More than 3 edits of 23 ("<" → ">", "3" → "8", "min" → "hr"): over the 3 allowed.
    expect(matchQuote(completion, "stop if eGRF > 80 mL/hr")).toEqual({ kind: "unmatched" });
  });

  it("leaves a hallucinated or empty quote unmatched", () => {
    expect(matchQuote(completion, "Aspirin 81 mg reduces mortality by 50% (Smith et al., 2021)")).toEqual({ kind: "unmatched" });
    expect(matchQuote(completion, "")).toEqual({ kind: "unmatched" });
    expect(matchQuote(completion, " \n ")).toEqual({ kind: "unmatched" });
    expect(matchQuote("", "anything at all")).toEqual({ kind: "unmatched" });
  });

  it("counts offsets in code points in non-Latin and astral text", () => {
    // "患者应每日服用二甲双胍500毫克，随餐服用。" is 22 code points; "如果肾功能下降，请停药" 22–33. 下将 for 下降: 1 edit of 11.
    const chinese = "患者应每日服用二甲双胍500毫克，随餐服用。如果肾功能下降，请停药。𠀀";
    expect(matchQuote(chinese, "如果肾功能下将，请停药")).toEqual({ kind: "fuzzy", start: 22, end: 33, distance: 1 });
    expect(matchQuote(chinese, "停药。𠀀")).toEqual({ kind: "exact", start: 31, end: 35, distance: 0 });
    // "Take " 0–4, 💊 5, " with " 6–11, 𝑥 12, " mg" 13–15.
    expect(matchQuote("Take 💊 with 𝑥 mg", "𝑥 mg")).toEqual({ kind: "exact", start: 12, end: 16, distance: 0 });
    expect(matchQuote("Take 💊 with 𝑥 mg", "WITH  𝑥")).toEqual({ kind: "normalized", start: 7, end: 13, distance: 0 });
  });
});

describe("matching quotes taken from the completion (properties)", () => {
  const word = fc.constantFrom("dose", "Metformin", "eGFR", "肾功能", "𝑥", "💊", "café", "50", "mg", "(daily)", "—");
  const document = fc
    .array(fc.tuple(word, fc.constantFrom(" ", "  ", "\n", ", ")), { minLength: 1, maxLength: 40 })
    .map((parts) => parts.flat().join(""));

  it("finds a verbatim quote exactly, at offsets that slice it back", () => {
    fc.assert(
      fc.property(document, fc.nat(), fc.nat(), (text, a, b) => {
        const points = Array.from(text);
        const [start, end] = [a % points.length, b % points.length].sort((x, y) => x - y) as [number, number];
        const quote = points.slice(start, end + 1).join("");
        const match = matchQuote(text, quote);
        expect(match.kind).toBe("exact");
        if (match.kind !== "unmatched") expect(sliceCodePoints(text, match.start, match.end)).toBe(quote);
      }),
    );
  });

  it("finds a quote with its case and whitespace changed, at offsets whose text differs only in those", () => {
    const squash = (s: string) => s.replace(/\s+/g, " ").trim().toLowerCase();
    fc.assert(
      fc.property(document, fc.nat(), fc.nat(), (text, a, b) => {
        const points = Array.from(text);
        const [start, end] = [a % points.length, b % points.length].sort((x, y) => x - y) as [number, number];
        const quote = points.slice(start, end + 1).join("");
        fc.pre(squash(quote) !== "");
        const match = matchQuote(text, `  ${quote.toUpperCase().replace(/\s+/g, "\n \t")} `);
        expect(match.kind).not.toBe("unmatched");
        if (match.kind !== "unmatched") expect(squash(sliceCodePoints(text, match.start, match.end))).toBe(squash(quote));
      }),
    );
  });
});
