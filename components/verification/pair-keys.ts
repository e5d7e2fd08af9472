import type { PairAnswer } from "@/lib/verification/pair-answer";

/** One key per answer on the pair screen (shown on screen and in the README). */
export const ANSWER_KEYS: { answer: PairAnswer; key: string; label: string }[] = [
  { answer: "A", key: "A", label: "A is better" },
  { answer: "B", key: "B", label: "B is better" },
  { answer: "TIE", key: "T", label: "Tie" },
  { answer: "BOTH_BAD", key: "X", label: "Both unacceptable" },
];

export type PairKeyAction =
  { kind: "answer"; answer: PairAnswer } | { kind: "confidence"; value: number } | { kind: "submit" } | { kind: "help" } | null;

/**
 * What a key press means on the pair screen. In a text field only Ctrl/⌘+Enter counts (it submits);
 * elsewhere A / B / T / X answer, 1–5 set the confidence, Enter submits and ? shows the keys.
 */
export function pairKeyAction(
  e: { key: string; ctrlKey: boolean; metaKey: boolean; altKey: boolean },
  inTextField: boolean,
): PairKeyAction {
  if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) return { kind: "submit" };
  if (inTextField || e.ctrlKey || e.metaKey || e.altKey) return null;
  if (e.key === "Enter") return { kind: "submit" };
  if (e.key === "?") return { kind: "help" };
  if (/^[1-5]$/.test(e.key)) return { kind: "confidence", value: Number(e.key) };
  const hit = ANSWER_KEYS.find((k) => k.key === e.key.toUpperCase());
  return hit ? { kind: "answer", answer: hit.answer } : null;
}
