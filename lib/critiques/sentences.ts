import { offsetConverter, type CodePointRange } from "@/lib/critiques/source-map";

/**
 * Keyboard selection by sentence over a completion's source text (offsets in code points, as spans).
 * Sentence boundaries are `Intl.Segmenter`'s ("sentence" granularity, Unicode UAX #29 with the
 * runtime's ICU data): a line ending ends a sentence (each list item or table row is one), "。" and
 * "؟" end sentences, and abbreviations are handled as ICU handles them (it does not know "e.g." — a
 * capitalised word after "e.g. " starts a new sentence). A sentence's end excludes its trailing
 * whitespace. Suggested keys: Shift+Alt+→ `extendSelectionBySentence(…, "forward")`, Shift+Alt+←
 * `"backward"`, and a first press with a caret selects `sentenceRangeAt` the caret.
 */

export type SentenceDirection = "forward" | "backward";

/** The sentences of `text`: `[start, end)` in code points, trailing whitespace left out; whitespace-only pieces skipped. */
export function sentenceRanges(text: string, locale?: string): CodePointRange[] {
  const { toCodePoint } = offsetConverter(text);
  const segmenter = new Intl.Segmenter(locale, { granularity: "sentence" });
  const ranges: CodePointRange[] = [];
  for (const { segment, index } of segmenter.segment(text)) {
    const leading = segment.length - segment.trimStart().length;
    const trimmed = segment.trim();
    if (trimmed.length === 0) continue;
    ranges.push({ start: toCodePoint(index + leading), end: toCodePoint(index + leading + trimmed.length) });
  }
  return ranges;
}

/**
 * `selection` grown by one sentence: `"forward"` moves its end to the end of the sentence the end is
 * in, or of the next sentence when the end is already at a sentence's end (or in the whitespace after
 * it); `"backward"` moves its start to the start of the sentence the start is in, or of the previous
 * one when already at a start. At the text's first or last sentence the selection is returned as is.
 * The other end never moves, so a selection only grows.
 */
export function extendSelectionBySentence(
  text: string,
  selection: CodePointRange,
  direction: SentenceDirection,
  locale?: string,
): CodePointRange {
  const sentences = sentenceRanges(text, locale);
  if (direction === "forward") {
    const next = sentences.find((sentence) => sentence.end > selection.end);
    return next ? { start: selection.start, end: next.end } : selection;
  }
  const previous = sentences.findLast((sentence) => sentence.start < selection.start);
  return previous ? { start: previous.start, end: selection.end } : selection;
}

/** The sentence containing code point `offset` (or the next one, when `offset` is in whitespace between sentences); null in trailing whitespace or an empty text. */
export function sentenceRangeAt(text: string, offset: number, locale?: string): CodePointRange | null {
  return sentenceRanges(text, locale).find((sentence) => sentence.end > offset) ?? null;
}
