/**
 * Code-point offsets for the source map (private to the Markdown source map until
 * `lib/critiques/code-points.ts` lands; the lead folds the two). Offsets into a string are
 * Unicode code points, so an emoji or a CJK extension character counts once, as stored spans do.
 */

/** For each UTF-16 index 0..text.length of `text`, its code-point offset (a low surrogate shares its pair's). */
export function codePointIndexOfUtf16(text: string): number[] {
  const offsets = new Array<number>(text.length + 1);
  let codePoint = 0;
  for (let i = 0; i < text.length; i++) {
    offsets[i] = codePoint;
    if (!isLowSurrogateAfterHigh(text, i + 1)) codePoint++;
  }
  offsets[text.length] = codePoint;
  return offsets;
}

/** The number of code points in `text`. */
export function countCodePoints(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++) if (!isLowSurrogateAfterHigh(text, i)) count++;
  return count;
}

/** The code points of `text` from code-point offset `start` to `end` (exclusive). */
export function codePointSlice(text: string, start: number, end: number): string {
  return Array.from(text).slice(start, end).join("");
}

/** Whether UTF-16 index `i` of `text` is the second half of a surrogate pair. */
export function isLowSurrogateAfterHigh(text: string, i: number): boolean {
  if (i <= 0 || i >= text.length) return false;
  const low = text.charCodeAt(i);
  const high = text.charCodeAt(i - 1);
  return low >= 0xdc00 && low <= 0xdfff && high >= 0xd800 && high <= 0xdbff;
}
