import { codePointSlice } from "@/lib/critiques/map-code-points";
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
 * in document order; the boundaries in either order), or null when it covers nothing but
 * whitespace. A start at the end of a text moves to the start of the next one and an end at the start
 * of a text to the end of the previous one, so the range does not begin or end in the Markdown
 * syntax between them (`**`, a list marker); whitespace at either end is dropped
 * (`selectionToSourceRange`). `text` is the source slice: it equals the stored quote.
 */
export function stampedSelectionToSource(
  source: string,
  texts: readonly StampedText[],
  anchor: StampedPoint,
  focus: StampedPoint,
): SourceSelection | null {
  const [first, last] = comesBefore(focus, anchor) ? [focus, anchor] : [anchor, focus];
  const start = forwardOverEnds(texts, first);
  const end = backwardOverStarts(texts, last);
  const startText = texts[start.index];
  const endText = texts[end.index];
  if (!startText || !endText || startText.value.length === 0 || endText.value.length === 0) return null;
  const range = selectionToSourceRange(
    source,
    boundaryToSource(mapStampedText(source, startText.value, startText.stamp), start.offset, "start"),
    boundaryToSource(mapStampedText(source, endText.value, endText.stamp), end.offset, "end"),
  );
  return range ? { ...range, text: codePointSlice(source, range.start, range.end) } : null;
}

function comesBefore(a: StampedPoint, b: StampedPoint): boolean {
  return a.index < b.index || (a.index === b.index && a.offset < b.offset);
}

function forwardOverEnds(texts: readonly StampedText[], point: StampedPoint): StampedPoint {
  let { index, offset } = point;
  while (index + 1 < texts.length && offset >= (texts[index]?.value.length ?? 0)) {
    index++;
    offset = 0;
  }
  return { index, offset };
}

function backwardOverStarts(texts: readonly StampedText[], point: StampedPoint): StampedPoint {
  let { index, offset } = point;
  while (index > 0 && offset <= 0) {
    index--;
    offset = texts[index]?.value.length ?? 0;
  }
  return { index, offset };
}
