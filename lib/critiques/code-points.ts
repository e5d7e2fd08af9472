/**
 * Offsets into a completion's text counted in Unicode code points, the unit spans are stored in
 * (browsers and JavaScript strings count UTF-16 units, Python and PostgreSQL count code points).
 * A surrogate pair is one code point; a lone surrogate, which stored text never holds, counts as
 * one too, as `for…of` and `Array.from` count it. Combining marks are code points of their own.
 * Every function refuses an offset that is not an integer inside the text with a RangeError that
 * names the offset and the text's length.
 */

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;
const isLowSurrogate = (unit: number) => unit >= 0xdc00 && unit <= 0xdfff;

/** Whether the UTF-16 units at `i` and `i + 1` form one astral code point. */
function pairAt(text: string, i: number): boolean {
  return isHighSurrogate(text.charCodeAt(i)) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1));
}

/** The number of code points in `text` (≤ text.length). */
export function codePointLength(text: string): number {
  let count = 0;
  for (let i = 0; i < text.length; i++, count++) if (pairAt(text, i)) i++;
  return count;
}

function outsideText(offset: number, length: number, unit: string): never {
  throw new RangeError(`offset ${offset} is outside the text: ${unit} offsets go from 0 to ${length}`);
}

/**
 * The code-point offset of a UTF-16 offset (a browser selection's or `indexOf`'s). Refuses an
 * offset between the two halves of a surrogate pair: it is inside one character.
 */
export function utf16ToCodePoint(text: string, utf16Offset: number): number {
  if (!Number.isInteger(utf16Offset) || utf16Offset < 0 || utf16Offset > text.length) outsideText(utf16Offset, text.length, "UTF-16");
  let count = 0;
  let i = 0;
  while (i < utf16Offset) {
    i += pairAt(text, i) ? 2 : 1;
    count++;
  }
  if (i !== utf16Offset) throw new RangeError(`UTF-16 offset ${utf16Offset} splits a surrogate pair (one character)`);
  return count;
}

/** The UTF-16 unit `steps` code points after unit `from`, or -1 when the text ends first. */
function advance(text: string, from: number, steps: number): number {
  let i = from;
  for (let count = 0; count < steps; count++) {
    if (i >= text.length) return -1;
    i += pairAt(text, i) ? 2 : 1;
  }
  return i;
}

/** The UTF-16 offset of a code-point offset (for `slice`, selections and DOM ranges). */
export function codePointToUtf16(text: string, cpOffset: number): number {
  const unit = Number.isInteger(cpOffset) && cpOffset >= 0 ? advance(text, 0, cpOffset) : -1;
  if (unit < 0) outsideText(cpOffset, codePointLength(text), "code-point");
  return unit;
}

/**
 * The text from code point `start` up to (not including) `end`, with 0 ≤ start ≤ end ≤
 * codePointLength(text); start = end gives "". Never splits a surrogate pair.
 */
export function sliceCodePoints(text: string, start: number, end: number): string {
  const from = codePointToUtf16(text, start);
  if (Number.isInteger(end) && end < start) throw new RangeError(`end ${end} is before start ${start}`);
  // The walk goes on from `start` instead of rescanning the text from its beginning.
  const to = Number.isInteger(end) ? advance(text, from, end - start) : -1;
  if (to < 0) outsideText(end, codePointLength(text), "code-point");
  return text.slice(from, to);
}
