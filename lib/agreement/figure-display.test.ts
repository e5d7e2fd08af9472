import { describe, expect, it } from "vitest";
import { FIGURE_KEYS } from "@/lib/agreement/agreement-figures";
import { countedFigureCell, FIGURE_HELP, figureCell, MIN_PROMPTS_FOR_FIGURE } from "@/lib/agreement/figure-display";

describe("figure cells on the dashboard", () => {
  it("show a figure over enough prompts with its interval", () => {
    expect(figureCell(0.51234, [0.4, 0.61], 12)).toEqual({ kind: "value", text: "0.512", interval: "[0.400, 0.610]" });
    expect(figureCell(-1, [-1, -0.5], MIN_PROMPTS_FOR_FIGURE)).toEqual({ kind: "value", text: "-1.000", interval: "[-1.000, -0.500]" });
  });

  it("say 'too few prompts' instead of −1.000 [−1, −1] over fewer than 10 prompts", () => {
    expect(MIN_PROMPTS_FOR_FIGURE).toBe(10);
    expect(figureCell(-1, [-1, -1], 1)).toEqual({ kind: "too-few", text: "too few prompts (1)", prompts: 1 });
    expect(figureCell(0.9, [0.8, 1], 9)).toEqual({ kind: "too-few", text: "too few prompts (9)", prompts: 9 });
  });

  it("say 'too few prompts' when the interval is undefined, and '—' without a value", () => {
    expect(figureCell(0.5, null, 40)).toEqual({ kind: "too-few", text: "too few prompts (40)", prompts: 40 });
    expect(figureCell(null, null, 40)).toEqual({ kind: "none", text: "—" });
    expect(figureCell(Number.NaN, [0, 1], 40)).toEqual({ kind: "none", text: "—" });
  });

  it("never print −0.000", () => {
    expect(figureCell(-0.0001, [-0.0004, 0.2], 20)).toEqual({ kind: "value", text: "0.000", interval: "[0.000, 0.200]" });
  });

  it("count figures without intervals the same way", () => {
    const share = (x: number) => `${(x * 100).toFixed(1)}%`;
    expect(countedFigureCell(0.5, 12, share)).toEqual({ kind: "value", text: "50.0%", interval: "" });
    expect(countedFigureCell(1, 3, share)).toEqual({ kind: "too-few", text: "too few prompts (3)", prompts: 3 });
    expect(countedFigureCell(null, 0, share)).toEqual({ kind: "none", text: "—" });
  });

  it("explain every figure in one line", () => {
    for (const key of FIGURE_KEYS) {
      expect(FIGURE_HELP[key].length, key).toBeGreaterThan(20);
      expect(FIGURE_HELP[key], key).not.toContain("\n");
    }
  });
});
