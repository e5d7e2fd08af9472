import { codePointToUtf16, utf16ToCodePoint } from "@/lib/critiques/code-points";

/**
 * Where a judge's quote is in a completion, in code points (`[start, end)`), and how it was found:
 * exact, after normalising (distance 0), or fuzzy (distance = edit distance between the normalised
 * quote and the normalised matched text); or unmatched.
 */
export type QuoteMatch = { kind: "exact" | "normalized" | "fuzzy"; start: number; end: number; distance: number } | { kind: "unmatched" };

/**
 * A fuzzy match is accepted when its edit distance is at most 15% of the normalised quote's length
 * (rounded down): a typo or two, or changed punctuation, in a sentence-long quote, but not a
 * paraphrase. Quotes shorter than 7 code points are thus matched only exactly or normalised.
 */
export const FUZZY_MAX_DISTANCE_RATIO = 0.15;

/** Typographic variants a model writes for the plain characters (and the reverse). */
const PLAIN: Record<string, string> = {
  "\u2018": "'",
  "\u2019": "'",
  "\u201a": "'",
  "\u201b": "'",
  "\u2032": "'",
  "\u201c": '"',
  "\u201d": '"',
  "\u201e": '"',
  "\u201f": '"',
  "\u2033": '"',
  "\u2010": "-",
  "\u2011": "-",
  "\u2012": "-",
  "\u2013": "-",
  "\u2014": "-",
  "\u2015": "-",
  "\u2212": "-",
};

/** A text normalised for matching, each of its code points tied to the code point of the original it came from. */
interface Normalized {
  text: string;
  /** Per UTF-16 unit of `text`, the original code point offset. */
  unitOrigin: number[];
  /** The code points of `text` and their original offsets. */
  points: number[];
  pointOrigin: number[];
}

/**
 * Whitespace runs as one space (none at either end), compatibility forms decomposed (NFKD: "ﬁ" → "fi",
 * "é" → "e" + U+0301, full-width → ASCII), lower case, typographic quotes and dashes as plain ones.
 * Each original code point is normalised alone, so every normalised code point has one origin.
 */
function normalize(text: string): Normalized {
  const out: Normalized = { text: "", unitOrigin: [], points: [], pointOrigin: [] };
  let pendingSpace = -1;
  let origin = 0;
  for (const ch of text) {
    if (/\s/u.test(ch)) {
      if (pendingSpace < 0 && out.points.length > 0) pendingSpace = origin;
    } else {
      if (pendingSpace >= 0) push(out, " ", pendingSpace);
      pendingSpace = -1;
      for (const piece of (PLAIN[ch] ?? ch).normalize("NFKD").toLowerCase()) push(out, PLAIN[piece] ?? piece, origin);
    }
    origin++;
  }
  return out;
}

function push(out: Normalized, ch: string, origin: number): void {
  out.text += ch;
  for (let i = 0; i < ch.length; i++) out.unitOrigin.push(origin);
  out.points.push(ch.codePointAt(0)!);
  out.pointOrigin.push(origin);
}

/** The first match found by `find(from)` starting after `after` (searching from `fromAfter`), else the first of all. */
function firstAfter(find: (from: number) => number, fromAfter: number | null): number {
  const later = fromAfter === null ? -1 : find(fromAfter);
  return later >= 0 ? later : find(0);
}

/** The first index whose origin is greater than `previousStart` (origins are non-decreasing), or null. */
function firstOriginAfter(origins: readonly number[], previousStart: number): number | null {
  let lo = 0;
  let hi = origins.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (origins[mid]! > previousStart) hi = mid;
    else lo = mid + 1;
  }
  return lo < origins.length ? lo : null;
}

/**
 * Sellers' approximate substring match: the substring of `text` with the least edit distance to
 * `quote` (a match may start anywhere in the text), or null when every substring is farther than
 * `maxDistance`. Among equally distant matches, the first starting after `previousStart` (an
 * original offset), else the first. O(|quote| · |text|) time, O(|text|) memory.
 */
function closestSubstring(
  quote: Normalized,
  text: Normalized,
  maxDistance: number,
  previousStart: number | null,
): { from: number; to: number; distance: number } | null {
  const q = Int32Array.from(quote.points);
  const t = Int32Array.from(text.points);
  const n = t.length;
  // Row i holds, per text position j, the least distance of quote[0, i) to a substring ending at j, and where it starts.
  let prev = new Int32Array(n + 1);
  let cur = new Int32Array(n + 1);
  let prevStart = Int32Array.from({ length: n + 1 }, (_, j) => j);
  let curStart = new Int32Array(n + 1);
  for (let i = 1; i <= q.length; i++) {
    cur[0] = i;
    curStart[0] = 0;
    const qi = q[i - 1]!;
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const diagonal = prev[j - 1]! + (qi === t[j - 1]! ? 0 : 1);
      const skipQuote = prev[j]! + 1;
      const skipText = cur[j - 1]! + 1;
      if (diagonal <= skipQuote && diagonal <= skipText) {
        cur[j] = diagonal;
        curStart[j] = prevStart[j - 1]!;
      } else if (skipQuote <= skipText) {
        cur[j] = skipQuote;
        curStart[j] = prevStart[j]!;
      } else {
        cur[j] = skipText;
        curStart[j] = curStart[j - 1]!;
      }
      if (cur[j]! < rowMin) rowMin = cur[j]!;
    }
    // A row's least distance never falls in later rows: past the threshold, nothing will match.
    if (rowMin > maxDistance) return null;
    [prev, cur] = [cur, prev];
    [prevStart, curStart] = [curStart, prevStart];
  }
  let best = Infinity;
  for (let j = 1; j <= n; j++) if (prevStart[j] !== j) best = Math.min(best, prev[j]!);
  if (best > maxDistance) return null;
  let first = -1;
  for (let j = 1; j <= n; j++) {
    if (prev[j] !== best || prevStart[j] === j) continue;
    if (first < 0) first = j;
    if (previousStart !== null && text.pointOrigin[prevStart[j]!]! > previousStart) return { from: prevStart[j]!, to: j, distance: best };
  }
  return { from: prevStart[first]!, to: first, distance: best };
}

/**
 * A matcher for one completion (normalised once) that maps quotes to code-point offsets:
 * 1. exact: the quote as written; 2. normalized: after normalising both (whitespace runs, case,
 * compatibility forms, typographic quotes and dashes); 3. fuzzy: the closest substring by edit
 * distance on the normalised texts, within FUZZY_MAX_DISTANCE_RATIO of the quote's length.
 * When the quote occurs more than once, the first occurrence starting after `previousStart` (the
 * start of the previous quote matched in the same response, so that quotes given in reading order
 * land on successive occurrences) is taken, else the first. A fuzzy or normalised match never
 * starts or ends on whitespace.
 */
export function quoteMatcher(completion: string): (quote: string, previousStart?: number) => QuoteMatch {
  let normalizedCompletion: Normalized | null = null;
  let points: string[] | null = null;
  return (quote, previousStart) => {
    if (quote === "") return { kind: "unmatched" };
    const after = previousStart ?? null;
    // 1. Exact, on the UTF-16 text (indexOf), searching after the previous start first.
    const fromAfter = after === null || after + 1 > completionLength() ? null : codePointToUtf16(completion, after + 1);
    const exact = firstAfter((from) => completion.indexOf(quote, from), fromAfter);
    if (exact >= 0) {
      const start = utf16ToCodePoint(completion, exact);
      return { kind: "exact", start, end: utf16ToCodePoint(completion, exact + quote.length), distance: 0 };
    }
    normalizedCompletion ??= normalize(completion);
    const text = normalizedCompletion;
    const q = normalize(quote);
    if (q.points.length === 0 || text.points.length === 0) return { kind: "unmatched" };
    // 2. Normalised, on the normalised text.
    const unitAfter = after === null ? null : firstOriginAfter(text.unitOrigin, after);
    const normalized = firstAfter((from) => text.text.indexOf(q.text, from), unitAfter);
    if (normalized >= 0)
      return trimmed("normalized", text.unitOrigin[normalized]!, text.unitOrigin[normalized + q.text.length - 1]! + 1, 0);
    // 3. Fuzzy.
    const maxDistance = Math.floor(FUZZY_MAX_DISTANCE_RATIO * q.points.length);
    if (maxDistance === 0) return { kind: "unmatched" };
    const closest = closestSubstring(q, text, maxDistance, after);
    if (!closest) return { kind: "unmatched" };
    return trimmed("fuzzy", text.pointOrigin[closest.from]!, text.pointOrigin[closest.to - 1]! + 1, closest.distance);
  };

  function completionLength(): number {
    points ??= Array.from(completion);
    return points.length;
  }

  function trimmed(kind: "normalized" | "fuzzy", start: number, end: number, distance: number): QuoteMatch {
    points ??= Array.from(completion);
    while (start < end && /\s/u.test(points[start]!)) start++;
    while (end > start && /\s/u.test(points[end - 1]!)) end--;
    return { kind, start, end, distance };
  }
}

/** One quote's match in a completion (see quoteMatcher; use quoteMatcher for several quotes of one completion). */
export function matchQuote(completion: string, quote: string, previousStart?: number): QuoteMatch {
  return quoteMatcher(completion)(quote, previousStart);
}

/**
 * The quotes given for one completion, in order, each matched after the start of the previous
 * matched one (unmatched quotes do not move it).
 */
export function matchQuotes(completion: string, quotes: readonly string[]): QuoteMatch[] {
  const match = quoteMatcher(completion);
  let previousStart: number | undefined;
  return quotes.map((quote) => {
    const result = match(quote, previousStart);
    if (result.kind !== "unmatched") previousStart = result.start;
    return result;
  });
}
