import { sliceCodePoints } from "@/lib/critiques/code-points";
import { mapStampedText, type SourceStamp } from "@/lib/critiques/rehype-source-offsets";
import { boundaryToSource, selectionToSourceRange } from "@/lib/critiques/source-map";

/** A rendered text the source-offsets plugin stamped: its rendered value (annotations left out) and its stamp. */
export interface StampedText {
  value: string;
  stamp: SourceStamp;
}

/** A selection boundary: the `index`-th stamped text of the document, `offset` UTF-16 units into its value. */
export interface StampedPoint {
  index: number;
  offset: number;
}

/** A selection's place in the source: `[start, end)` in code points and the source text there (the quote). */
export interface SourceSelection {
  start: number;
  end: number;
  text: string;
}

/**
 * The source range of a selection between two boundaries in the document's stamped texts (`texts`
 * in document order; the boundaries in either order), or null when it selects nothing but
 * whitespace. Rendered whitespace at either end of the selection is dropped first (a double-click
 * or a drag often takes the space or line after a word), then the start is taken in the text
 * holding the first selected character and the end in the text holding the last, so the range
 * neither begins nor ends in the Markdown syntax around them (`**`, `_`, a list marker);
 * `selectionToSourceRange` then drops any source whitespace left at the ends. `text` is the source
 * slice: it equals the stored quote.
 */
export function stampedSelectionToSource(
  source: string,
  texts: readonly StampedText[],
  anchor: StampedPoint,
  focus: StampedPoint,
): SourceSelection | null {
  const starts: number[] = [];
  let length = 0;
  for (const text of texts) {
    starts.push(length);
    length += text.value.length;
  }
  const rendered = texts.map((text) => text.value).join("");
  const global = (point: StampedPoint) => (starts[point.index] ?? length) + point.offset;
  let from = Math.max(0, Math.min(global(anchor), global(focus)));
  let to = Math.min(length, Math.max(global(anchor), global(focus)));
  while (from < to && /\s/.test(rendered[from]!)) from++;
  while (to > from && /\s/.test(rendered[to - 1]!)) to--;
  if (from >= to) return null;
  // The text holding rendered character `from`, and the one holding character `to - 1`.
  const first = texts.findIndex((text, index) => from < starts[index]! + text.value.length);
  const last = texts.findIndex((text, index) => to <= starts[index]! + text.value.length);
  const startText = texts[first]!;
  const endText = texts[last]!;
  const range = selectionToSourceRange(
    source,
    boundaryToSource(mapStampedText(source, startText.value, startText.stamp), from - starts[first]!, "start"),
    boundaryToSource(mapStampedText(source, endText.value, endText.stamp), to - starts[last]!, "end"),
  );
  return range ? { ...range, text: sliceCodePoints(source, range.start, range.end) } : null;
}
