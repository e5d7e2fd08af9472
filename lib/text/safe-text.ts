import { isUtf8 } from "node:buffer";
import { z } from "zod";

/**
 * Text MedPref stores must be storable and displayable as it was typed: PostgreSQL refuses NUL in
 * text (a 500 if it gets that far), and a lone UTF-16 surrogate cannot be encoded as UTF-8 (it
 * would be silently replaced). Names shown to people must not reorder what follows them with
 * bidirectional overrides (U+202A–U+202E, U+2066–U+2069).
 */
const BIDI_OVERRIDE = /[\u202A-\u202E\u2066-\u2069]/;

/** String.prototype.isWellFormed (ES2024; Node 20 has it, TypeScript's ES2023 lib does not declare it). */
type WellFormedCheck = string & { isWellFormed(): boolean };

/** Why a text cannot be stored, or null when it can. */
export function unsafeTextReason(value: string): string | null {
  // Native scans: an import checks every string of every record (a lookbehind regex took ~60 µs per 1.5 KB text).
  if (value.includes("\u0000")) return "contains a NUL character (U+0000)";
  // Not well formed = holds a high surrogate not followed by a low one, or a low one not preceded by a high one.
  if (!(value as WellFormedCheck).isWellFormed()) return "contains a lone surrogate (invalid Unicode)";
  return null;
}

/** Why a name (shown inline beside other text) is refused, or null. */
export function unsafeNameReason(value: string): string | null {
  return (
    unsafeTextReason(value) ??
    (BIDI_OVERRIDE.test(value) ? "contains a bidirectional override character (U+202A–U+202E or U+2066–U+2069)" : null)
  );
}

/** A string schema refusing NUL and lone surrogates; chain .trim(), .max() etc. as on z.string(). */
export function safeText() {
  return z.string().superRefine((value, ctx) => {
    const reason = unsafeTextReason(value);
    if (reason) ctx.addIssue({ code: "custom", message: reason });
  });
}

/** A name: safe text without bidirectional overrides. */
export function safeName() {
  return z.string().superRefine((value, ctx) => {
    const reason = unsafeNameReason(value);
    if (reason) ctx.addIssue({ code: "custom", message: reason });
  });
}

/**
 * The first string (value or object key) in a parsed JSON value that cannot be stored, with its
 * path ("completions[2].text"), or null. Route handlers run it on every JSON body.
 */
export function findUnsafeText(value: unknown, path: (string | number)[] = []): { field: string; reason: string } | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path }];
  while (stack.length) {
    const item = stack.pop()!;
    const v = item.value;
    if (typeof v === "string") {
      const reason = unsafeTextReason(v);
      if (reason) return { field: fieldName(item.path), reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...item.path, i] });
    } else if (v && typeof v === "object") {
      for (const [key, x] of Object.entries(v).reverse()) {
        const reason = unsafeTextReason(key);
        if (reason) return { field: fieldName([...item.path, key]), reason: `its name ${reason}` };
        stack.push({ value: x, path: [...item.path, key] });
      }
    }
  }
  return null;
}

/** `completions[2].text`, as the import's problem lists name fields. */
function fieldName(path: (string | number)[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : out ? `.${part}` : part;
  return out || "request";
}

/**
 * Checks that a byte stream is UTF-8 text without NUL bytes, passing its chunks through; a
 * binary or otherwise encoded file stops with a message saying where.
 */
export async function* utf8TextOnly(
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>,
  onRefused: (message: string) => Error,
): AsyncGenerator<Buffer> {
  // Validated natively (isUtf8), without decoding to a string; a character split across chunks is
  // carried over to the next one.
  let carry: Buffer | null = null;
  let offset = 0;
  for await (const chunk of input) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    const nul = buf.indexOf(0);
    if (nul >= 0)
      throw onRefused(`The file is not text: it contains a NUL byte at byte ${offset + nul}. Upload a JSON or JSON Lines file in UTF-8.`);
    const bytes: Buffer = carry ? Buffer.concat([carry, buf]) : buf;
    const tail = incompleteCharacterBytes(bytes);
    if (!isUtf8(bytes.subarray(0, bytes.length - tail))) {
      throw onRefused(
        `The file is not UTF-8 text: an invalid byte sequence is in bytes ${offset + 1} to ${offset + buf.length}. Save it as UTF-8 and upload it again.`,
      );
    }
    carry = tail > 0 ? Buffer.from(bytes.subarray(bytes.length - tail)) : null;
    offset += buf.length;
    yield buf;
  }
  if (carry) throw onRefused("The file is not UTF-8 text: it ends in the middle of a character. Save it as UTF-8 and upload it again.");
}

/** How many bytes at the end of `buf` start a UTF-8 character that continues past it (0–3). */
function incompleteCharacterBytes(buf: Buffer): number {
  for (let back = 1; back <= 3 && back <= buf.length; back++) {
    const byte = buf[buf.length - back]!;
    if ((byte & 0xc0) === 0x80) continue; // a continuation byte: look further back for its lead
    // Lead bytes C2–F4 start 2-, 3- and 4-byte characters; anything else is left for isUtf8 to judge.
    const length = byte >= 0xc2 && byte <= 0xdf ? 2 : byte >= 0xe0 && byte <= 0xef ? 3 : byte >= 0xf0 && byte <= 0xf4 ? 4 : 1;
    return length > back ? back : 0;
  }
  return 0;
}
