import type { FigureKey } from "@/lib/agreement/agreement-figures";

/**
 * How the dashboard shows one figure. Below this many prompts an agreement figure and its
 * bootstrap interval say more about the few prompts than about the raters (one prompt resampled
 * 1,000 times gives −1.000 [−1.000, −1.000]), so the dashboard says "too few prompts" instead.
 */
export const MIN_PROMPTS_FOR_FIGURE = 10;

export type FigureCell =
  { kind: "value"; text: string; interval: string } | { kind: "too-few"; text: string; prompts: number } | { kind: "none"; text: string };

const fixed = (x: number, digits: number) => {
  const s = x.toFixed(digits);
  // −0.000 is 0.000: rounding must not invent a sign.
  return /^-0\.0*$/.test(s) ? s.slice(1) : s;
};

/**
 * One figure as the dashboard prints it: the value with its 95% interval; "too few prompts"
 * when it rests on fewer than MIN_PROMPTS_FOR_FIGURE prompts or its interval is undefined
 * (a value without an interval); "—" when there is no value at all.
 */
export function figureCell(
  value: number | null | undefined,
  ci: [number, number] | null | undefined,
  prompts: number,
  digits = 3,
): FigureCell {
  if (value === null || value === undefined || !Number.isFinite(value)) return { kind: "none", text: "—" };
  if (prompts < MIN_PROMPTS_FOR_FIGURE || ci === null || ci === undefined)
    return { kind: "too-few", text: `too few prompts (${prompts})`, prompts };
  return { kind: "value", text: fixed(value, digits), interval: `[${fixed(ci[0], digits)}, ${fixed(ci[1], digits)}]` };
}

/** The same for a figure without an interval (a share or mean over `prompts` prompts). */
export function countedFigureCell(value: number | null | undefined, prompts: number, format: (x: number) => string): FigureCell {
  if (value === null || value === undefined || !Number.isFinite(value)) return { kind: "none", text: "—" };
  if (prompts < MIN_PROMPTS_FOR_FIGURE) return { kind: "too-few", text: `too few prompts (${prompts})`, prompts };
  return { kind: "value", text: format(value), interval: "" };
}

/** One line per figure: what it measures, in words (the formulas are in the README's Metrics section). */
export const FIGURE_HELP: Record<FigureKey, string> = {
  pairwiseAgreement: "Share of candidate pairs on which two raters give the same verdict (better, worse or tie); 1 = always the same.",
  pairwiseAgreementNoTies: "The same share over the pairs neither rater tied: how often they agree on which of two is better.",
  kendallTauB: "Rank correlation of two raters' rankings, corrected for ties: 1 = same order, 0 = unrelated, −1 = reversed.",
  kendallW: "Concordance of all raters of a prompt at once: 1 = everyone ranks alike, 0 = no common order.",
  krippendorffAlphaOrdinal:
    "Agreement on ranks beyond what chance gives, for any number of raters and missing ones: 1 = perfect, 0 = chance.",
  top1Agreement: "Share of rater pairs that put the same candidate(s) first.",
  fleissKappaTop1: "Agreement on the best candidate's model beyond chance: 1 = perfect, 0 = chance, below 0 = worse than chance.",
};

/** Where the dashboard's explanations link to: the README's Metrics section, served in the app. */
export const METRICS_HELP_PATH = "/help/agreement";
