import { describe, expect, it } from "vitest";
import {
  boundaryToSource,
  coveredRenderedUnits,
  offsetConverter,
  renderedToSource,
  selectionToSourceRange,
} from "@/lib/critiques/source-map";

/** The source ranges of a map as `[start, end]` pairs, one per rendered UTF-16 unit. */
const ranges = (nodeValue: string, sourceSlice: string, sourceStart: number, literal = false) =>
  renderedToSource(nodeValue, sourceSlice, sourceStart, { literal }).units.map((unit) => [unit.start, unit.end]);

describe("renderedToSource: each rendered UTF-16 unit's source range in code points", () => {
  it("maps plain text one to one, offset by the slice's start", () => {
    expect(ranges("dose", "dose", 10)).toEqual([
      [10, 11],
      [11, 12],
      [12, 13],
      [13, 14],
    ]);
  });

  it("skips syntax characters in the slice", () => {
    // "**5**" from 3: the "5" is code point 5.
    expect(ranges("5", "**5**", 3)).toEqual([[5, 6]]);
  });

  it("maps an escaped character to its whole escape", () => {
    // "a \* b": "\*" is 2–3.
    expect(ranges("a * b", "a \\* b", 0)).toEqual([
      [0, 1],
      [1, 2],
      [2, 4],
      [4, 5],
      [5, 6],
    ]);
  });

  it("maps a character reference to the whole reference: &amp;, named, decimal and hexadecimal", () => {
    expect(ranges("&", "&amp;", 0)).toEqual([[0, 5]]);
    expect(ranges("©", "&copy;", 0)).toEqual([[0, 6]]);
    expect(ranges("A", "&#65;", 0)).toEqual([[0, 5]]);
    // "💊" (two UTF-16 units) from "&#x1F48A;": both units share the reference's range.
    expect(ranges("💊", "&#x1F48A;", 0)).toEqual([
      [0, 9],
      [0, 9],
    ]);
    // An unknown name ("&foo;") is rendered as written: character by character.
    expect(ranges("&foo;", "&foo;", 0)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
  });

  it("keeps escapes and references as written in code (literal)", () => {
    expect(ranges("\\*", "\\*", 0, true)).toEqual([
      [0, 1],
      [1, 2],
    ]);
    expect(ranges("&amp;", "&amp;", 0, true)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
      [3, 4],
      [4, 5],
    ]);
  });

  it("matches a rendered space to a source line ending (inline code) and skips dropped whitespace", () => {
    expect(ranges("a b", "a\nb", 0, true)).toEqual([
      [0, 1],
      [1, 2],
      [2, 3],
    ]);
    // A paragraph's continuation line loses its indentation: "a\n   b" renders "a", then "b" at 5.
    expect(ranges("b", "\n   b", 1)).toEqual([[5, 6]]);
  });

  it("counts source offsets in code points: an emoji before the match counts once", () => {
    expect(ranges("x", "💊x", 0)).toEqual([[1, 2]]);
  });

  it("gives a generated character an empty range at the previous match's end, and stays monotone", () => {
    // "↩" is not in the source: empty at 2, after "ab".
    expect(ranges("ab↩", "ab", 0)).toEqual([
      [0, 1],
      [1, 2],
      [2, 2],
    ]);
    expect(ranges("↩ab", "ab", 7)).toEqual([
      [7, 7],
      [7, 8],
      [8, 9],
    ]);
  });
});

describe("boundaryToSource: a DOM boundary's source offset", () => {
  // "**5 mg**" from 0: "5" 2, " " 3, "m" 4, "g" 5.
  const map = renderedToSource("5 mg", "**5 mg**", 0);

  it("takes a start before its character and an end after the previous one", () => {
    expect(boundaryToSource(map, 0, "start")).toBe(2);
    expect(boundaryToSource(map, 2, "start")).toBe(4);
    expect(boundaryToSource(map, 4, "end")).toBe(6);
    expect(boundaryToSource(map, 1, "end")).toBe(3);
  });

  it("takes a start at the end as the last character's end and an end at 0 as the first's start", () => {
    expect(boundaryToSource(map, 4, "start")).toBe(6);
    expect(boundaryToSource(map, 0, "end")).toBe(2);
  });
});

describe("selectionToSourceRange", () => {
  it("orders the boundaries and drops whitespace at both ends", () => {
    // "take  5 mg\n": "5 mg" is 6–9.
    expect(selectionToSourceRange("take  5 mg\n", 11, 4)).toEqual({ start: 6, end: 10 });
  });

  it("is null for an empty or whitespace-only range", () => {
    expect(selectionToSourceRange("a  b", 1, 3)).toBeNull();
    expect(selectionToSourceRange("ab", 1, 1)).toBeNull();
  });

  it("counts code points", () => {
    expect(selectionToSourceRange("💊 dose", 0, 6)).toEqual({ start: 0, end: 6 });
  });
});

describe("coveredRenderedUnits: the rendered units a source range highlights", () => {
  // "a \* b": units 0 "a" [0,1), 1 " " [1,2), 2 "*" [2,4), 3 " " [4,5), 4 "b" [5,6).
  const map = renderedToSource("a * b", "a \\* b", 0);

  it("covers every unit whose source range overlaps it", () => {
    expect(coveredRenderedUnits(map, { start: 2, end: 4 })).toEqual({ from: 2, to: 3 });
    expect(coveredRenderedUnits(map, { start: 3, end: 6 })).toEqual({ from: 2, to: 5 });
  });

  it("is null when nothing is covered", () => {
    expect(coveredRenderedUnits(map, { start: 6, end: 9 })).toBeNull();
  });

  it("covers a generated unit only strictly inside the range", () => {
    const generated = renderedToSource("ab↩c", "abc", 0); // "↩" empty at 2
    expect(coveredRenderedUnits(generated, { start: 1, end: 3 })).toEqual({ from: 1, to: 4 });
    expect(coveredRenderedUnits(generated, { start: 0, end: 2 })).toEqual({ from: 0, to: 2 });
  });
});

describe("offsetConverter", () => {
  it("converts UTF-16 offsets to code points and back", () => {
    // "a💊b": UTF-16 a 0, 💊 1–2, b 3; code points a 0, 💊 1, b 2.
    const { toCodePoint, toUtf16 } = offsetConverter("a💊b");
    expect([0, 1, 3, 4].map(toCodePoint)).toEqual([0, 1, 2, 3]);
    expect([0, 1, 2, 3].map(toUtf16)).toEqual([0, 1, 3, 4]);
  });
});
