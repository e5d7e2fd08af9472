import { z } from "zod";

/**
 * Text MedPref stores must be storable and displayable as it was typed: PostgreSQL refuses NUL in
 * text (a 500 if it gets that far), and a lone UTF-16 surrogate cannot be encoded as UTF-8 (it
 * would be silently replaced). Names shown to people must not reorder what follows them with
 * bidirectional overrides (U+202A–U+202E, U+2066–U+2069).
 */
const NUL = /\u0000/;
// A high surrogate not followed by a low one, or a low surrogate not preceded by a high one.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
const BIDI_OVERRIDE = /[\u202A-\u202E\u2066-\u2069]/;

/** Why a text cannot be stored, or null when it can. */
export function unsafeTextReason(value: string): string | null {
  if (NUL.test(value)) return "contains a NUL character (U+0000)";
  if (LONE_SURROGATE.test(value)) return "contains a lone surrogate (invalid Unicode)";
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
  const decoder = new TextDecoder("utf-8", { fatal: true });
  let offset = 0;
  for await (const chunk of input) {
    const buf = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    const nul = buf.indexOf(0);
    if (nul >= 0)
      throw onRefused(`The file is not text: it contains a NUL byte at byte ${offset + nul}. Upload a JSON or JSON Lines file in UTF-8.`);
    try {
      decoder.decode(buf, { stream: true });
    } catch {
      throw onRefused(
        `The file is not UTF-8 text: an invalid byte sequence is in bytes ${offset + 1} to ${offset + buf.length}. Save it as UTF-8 and upload it again.`,
      );
    }
    offset += buf.length;
    yield buf;
  }
  try {
    decoder.decode();
  } catch {
    throw onRefused("The file is not UTF-8 text: it ends in the middle of a character. Save it as UTF-8 and upload it again.");
  }
}
