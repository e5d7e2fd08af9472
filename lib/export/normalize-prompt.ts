import { createHash } from "node:crypto";

/**
 * The text prompts are grouped by before splitting: case, whitespace and punctuation folded, so
 * "What is the dose?" and "what is the  dose" can never land in different splits.
 */
export function normalizePromptText(text: string): string {
  if (ASCII_ONLY.test(text)) return text.toLowerCase().replace(ASCII_PUNCTUATION_SYMBOLS_SPACES, " ").trim();
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, " ")
    .trim();
}

// Most prompts are ASCII, which NFKC leaves as it is and where \p{P}, \p{S} and \s are these
// characters: every printable one but letters and digits, and the tab to carriage return. The
// Unicode path was most of an export's first pass (same keys: normalize-prompt tests).
const ASCII_ONLY = /^[\x00-\x7f]*$/;
const ASCII_PUNCTUATION_SYMBOLS_SPACES = /[\t\n\v\f\r !-/:-@[-`{-~]+/g;

export function normalizedPromptKey(text: string): string {
  return createHash("sha256").update(normalizePromptText(text)).digest("hex");
}
