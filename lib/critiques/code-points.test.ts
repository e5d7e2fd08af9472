import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { codePointLength, codePointToUtf16, sliceCodePoints, utf16ToCodePoint } from "@/lib/critiques/code-points";

// "Dose: 5 mg 💊 of 𝑥 and 𠀀." — 💊 (U+1F48A), 𝑥 (U+1D465) and 𠀀 (U+20000, CJK extension B) are
// astral: one code point, two UTF-16 units each. Code points: "Dose: 5 mg " 0–10, 💊 11, " of " 12–15,
// 𝑥 16, " and " 17–21, 𠀀 22, "." 23 → 24 code points, 27 UTF-16 units.
const astral = "Dose: 5 mg 💊 of 𝑥 and 𠀀.";
// "cafe" + U+0301 (combining acute) + " ok": the mark is a code point of its own, in the BMP.
const combining = "cafe\u0301 ok";

describe("code-point offsets", () => {
  it("count astral characters once and combining marks as their own code point", () => {
    expect(astral.length).toBe(27);
    expect(codePointLength(astral)).toBe(24);
    expect(codePointLength(combining)).toBe(8);
    expect(codePointLength("")).toBe(0);
    // A lone surrogate counts as one code point, as for…of counts it.
    expect(codePointLength("a\ud800b")).toBe(3);
  });

  it("slice by code points without splitting a surrogate pair", () => {
    expect(sliceCodePoints(astral, 11, 12)).toBe("💊");
    expect(sliceCodePoints(astral, 16, 17)).toBe("𝑥");
    expect(sliceCodePoints(astral, 22, 24)).toBe("𠀀.");
    expect(sliceCodePoints(astral, 6, 16)).toBe("5 mg 💊 of ");
    expect(sliceCodePoints(astral, 5, 5)).toBe("");
    expect(sliceCodePoints(combining, 3, 5)).toBe("e\u0301");
    expect(sliceCodePoints(combining, 0, 8)).toBe(combining);
  });

  it("convert between UTF-16 and code-point offsets", () => {
    // 💊 starts at unit 11 and ends at 13; 𝑥 at units 17–19 (after one more pair); 𠀀 at units 24–26.
    expect(utf16ToCodePoint(astral, 11)).toBe(11);
    expect(utf16ToCodePoint(astral, 13)).toBe(12);
    expect(utf16ToCodePoint(astral, 19)).toBe(17);
    expect(utf16ToCodePoint(astral, 27)).toBe(24);
    expect(codePointToUtf16(astral, 12)).toBe(13);
    expect(codePointToUtf16(astral, 17)).toBe(19);
    expect(codePointToUtf16(astral, 23)).toBe(26);
    expect(codePointToUtf16(astral, 24)).toBe(27);
    expect(codePointToUtf16(combining, 5)).toBe(5);
  });

  it("refuse offsets outside the text, fractional offsets and offsets inside a surrogate pair", () => {
    expect(() => sliceCodePoints(astral, 0, 25)).toThrow("offset 25 is outside the text: code-point offsets go from 0 to 24");
    expect(() => sliceCodePoints(astral, -1, 3)).toThrow("offset -1 is outside the text: code-point offsets go from 0 to 24");
    expect(() => sliceCodePoints(astral, 5, 4)).toThrow("end 4 is before start 5");
    expect(() => sliceCodePoints(astral, 1.5, 4)).toThrow("offset 1.5 is outside the text");
    expect(() => sliceCodePoints(astral, 1, 4.5)).toThrow("offset 4.5 is outside the text");
    expect(() => codePointToUtf16(astral, 25)).toThrow("offset 25 is outside the text: code-point offsets go from 0 to 24");
    expect(() => utf16ToCodePoint(astral, 28)).toThrow("offset 28 is outside the text: UTF-16 offsets go from 0 to 27");
    expect(() => utf16ToCodePoint(astral, 12)).toThrow("UTF-16 offset 12 splits a surrogate pair (one character)");
  });

  it("agree with Array.from on any text (property)", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme-composite" }), fc.nat(), fc.nat(), (text, a, b) => {
        const points = Array.from(text);
        expect(codePointLength(text)).toBe(points.length);
        const [start, end] = [a % (points.length + 1), b % (points.length + 1)].sort((x, y) => x - y) as [number, number];
        expect(sliceCodePoints(text, start, end)).toBe(points.slice(start, end).join(""));
        const unit = codePointToUtf16(text, start);
        expect(unit).toBe(points.slice(0, start).join("").length);
        expect(utf16ToCodePoint(text, unit)).toBe(start);
      }),
    );
  });
});
