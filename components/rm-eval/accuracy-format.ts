import type { AccuracyKey } from "@/lib/rm-eval/accuracy";

export const ACCURACY_LABELS: Record<AccuracyKey, string> = {
  all: "All",
  easy: "Easy",
  hard: "Hard",
  length: "Length",
  human: "Human",
  macro: "Macro",
};

/** 0.805 → "80.5"; null → "–" (a category with no pairs). */
export const percent = (v: number | null | undefined) => (v === null || v === undefined ? "–" : (v * 100).toFixed(1));
