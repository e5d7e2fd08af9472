import { createHash } from "node:crypto";

/**
 * The text prompts are grouped by before splitting: case, whitespace and punctuation folded, so
 * "What is the dose?" and "what is the  dose" can never land in different splits.
 */
export function normalizePromptText(text: string): string {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .replace(/[\p{P}\p{S}\s]+/gu, " ")
    .trim();
}

export function normalizedPromptKey(text: string): string {
  return createHash("sha256").update(normalizePromptText(text)).digest("hex");
}
