import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { markedText, renderMapped, renderedText, selectRendered } from "@/components/critiques/mapped-render.test-support";

/**
 * Random Markdown documents from a small grammar, built from pieces that say whether their characters
 * are content (rendered as written) or syntax (markers, delimiters, link destinations, line endings,
 * table padding). Paragraphs (one or two lines: a single line break), bullet and ordered lists,
 * tables and headings hold runs of plain, bold, italic (`*` and `_`), linked and inline-code words,
 * in English, Chinese, Arabic and emoji (one with a zero-width joiner).
 */
interface Piece {
  text: string;
  content: boolean;
}

const content = (text: string): Piece => ({ text, content: true });
const syntax = (text: string): Piece => ({ text, content: false });

const WORDS = ["dose", "mg", "aspirin", "take", "daily", "5", "10", "剂量", "阿司匹林", "جرعة", "دواء", "💊", "🩺", "👩‍⚕️"];

const words = fc
  .array(fc.constantFrom(...WORDS), { minLength: 1, maxLength: 3 })
  .map((list) => list.flatMap((word, index) => (index === 0 ? [content(word)] : [content(" "), content(word)])));

const wrapped = (open: string, close: string) => words.map((inner) => [syntax(open), ...inner, syntax(close)]);

const inline = fc.oneof(
  words,
  wrapped("**", "**"),
  wrapped("*", "*"),
  wrapped("_", "_"),
  wrapped("[", "](https://example.org/a)"),
  wrapped("`", "`"),
);

const inlines = fc
  .array(inline, { minLength: 1, maxLength: 4 })
  .map((list) => list.flatMap((pieces, index) => (index === 0 ? pieces : [content(" "), ...pieces])));

const joined = (lines: Piece[][], separator: (index: number) => Piece[]) => lines.flatMap((line, index) => [...separator(index), ...line]);

const paragraph = fc.array(inlines, { minLength: 1, maxLength: 2 }).map((lines) => joined(lines, (i) => (i === 0 ? [] : [syntax("\n")])));

const list = fc
  .tuple(fc.boolean(), fc.array(inlines, { minLength: 1, maxLength: 3 }))
  .map(([ordered, items]) => joined(items, (i) => [...(i === 0 ? [] : [syntax("\n")]), syntax(ordered ? `${i + 1}. ` : "- ")]));

const heading = inlines.map((line) => [syntax("## "), ...line]);

const table = fc.integer({ min: 1, max: 3 }).chain((columns) =>
  fc.array(fc.array(inlines, { minLength: columns, maxLength: columns }), { minLength: 2, maxLength: 3 }).map((rows) => {
    const row = (cells: Piece[][]) => [syntax("| "), ...joined(cells, (i) => (i === 0 ? [] : [syntax(" | ")])), syntax(" |")];
    const [header = [], ...body] = rows;
    return [...row(header), syntax(`\n|${" --- |".repeat(columns)}`), ...body.flatMap((cells) => [syntax("\n"), ...row(cells)])];
  }),
);

const markdownDocument = fc
  .array(fc.oneof(paragraph, list, heading, table), { minLength: 1, maxLength: 4 })
  .map((blocks) => joined(blocks, (i) => (i === 0 ? [] : [syntax("\n\n")])));

/** The document's source and, per code point, whether it is content. */
function assemble(pieces: Piece[]): { source: string; isContent: boolean[] } {
  const isContent = pieces.flatMap((piece) => Array.from(piece.text, () => piece.content));
  return { source: pieces.map((piece) => piece.text).join(""), isContent };
}

/** The content characters of `source` in code points `[start, end)`: its slice with the syntax removed. */
function contentIn(source: string, isContent: boolean[], start: number, end: number): string {
  return Array.from(source)
    .slice(start, end)
    .filter((_, index) => isContent[start + index])
    .join("");
}

/** A document and a selection of its rendered text: code-point indices `from < to`. */
const documentAndSelection = markdownDocument.chain((pieces) => {
  const renderedLength = Array.from(
    pieces
      .filter((piece) => piece.content)
      .map((piece) => piece.text)
      .join(""),
  ).length;
  return fc
    .tuple(fc.integer({ min: 0, max: renderedLength - 1 }), fc.integer({ min: 1, max: renderedLength }))
    .filter(([from, to]) => from < to)
    .map(([from, to]) => ({ pieces, from, to }));
});

describe("selections of random Markdown documents map to the source (property)", () => {
  it("the rendered text is the documents' content characters in order", () => {
    fc.assert(
      fc.property(markdownDocument, (pieces) => {
        const { source, isContent } = assemble(pieces);
        expect(renderedText(renderMapped(source))).toBe(contentIn(source, isContent, 0, isContent.length));
      }),
    );
  });

  it("a selection's source range, syntax removed, is exactly the selected characters (whitespace at the ends dropped), and highlighting it marks exactly those", () => {
    // For rendered characters [from, to) the selection maps to {start, end, text}: text is the
    // source slice [start, end); that slice with the syntax characters removed equals the selected
    // rendered text trimmed of whitespace; its first and last characters are content (the range is
    // tight); a whitespace-only selection maps to null. A span over {start, end} is marked over
    // exactly the same rendered characters.
    fc.assert(
      fc.property(documentAndSelection, ({ pieces, from, to }) => {
        const { source, isContent } = assemble(pieces);
        const render = renderMapped(source);
        const rendered = renderedText(render);
        const utf16 = (codePoint: number) => Array.from(rendered).slice(0, codePoint).join("").length;
        const selected = rendered.slice(utf16(from), utf16(to));
        const selection = selectRendered(source, render, utf16(from), utf16(to));
        if (selected.trim() === "") {
          expect(selection).toBeNull();
          return;
        }
        expect(selection).not.toBeNull();
        const { start, end, text } = selection!;
        expect(text).toBe(Array.from(source).slice(start, end).join(""));
        expect(contentIn(source, isContent, start, end)).toBe(selected.trim());
        expect([isContent[start], isContent[end - 1]]).toEqual([true, true]);
        const highlighted = renderMapped(source, [{ id: "x", start, end, tag: "other", severity: "minor" }]);
        expect(markedText(highlighted.tree, "x")).toBe(selected.trim());
      }),
      { numRuns: 200 },
    );
  }, 60_000);
});
