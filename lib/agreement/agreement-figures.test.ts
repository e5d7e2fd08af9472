import { describe, expect, it } from "vitest";
import { AgreementFigureSet, type RatedPrompt } from "@/lib/agreement/agreement-figures";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { seededRandom } from "@/lib/core/seeded-random";

const MODELS = ["gpt-4", "llama-3-70b", "mixtral-8x7b", "qwen-72b", "biomistral-7b", "meditron-70b"];

/** Prompts of 3 to 6 candidates ranked by 1 to 4 of 6 raters, with ties (a rank given as a small score). */
function ratedPrompts(count: number, seed: string): RatedPrompt[] {
  const random = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  return Array.from({ length: count }, (_, p) => {
    const n = int(3, 6);
    const models = MODELS.slice(0, n).sort(() => random() - 0.5);
    const raters = Array.from({ length: int(1, 4) }, (__, r) => ({
      rater: `rater-${(p + r) % 6}`,
      ranks: fractionalRanks(Array.from({ length: n }, () => int(0, n))),
    }));
    return { promptId: `p${p}`, models, raters };
  });
}

describe("agreement figures of each group of a partition", () => {
  const prompts = ratedPrompts(900, "groups");
  const set = new AgreementFigureSet(prompts);
  // Three groups by prompt, every seventh prompt in none.
  const groupOf = Int32Array.from(prompts, (_, p) => (p % 7 === 0 ? -1 : p % 3));
  const alone = (group: number) => Int32Array.from(groupOf, (g) => (g === group ? 0 : -1));

  for (const [path, threshold] of [
    ["the normal approximation", 0],
    ["resampled prompts", Number.POSITIVE_INFINITY],
  ] as const) {
    it(`are, summed in one pass, the figures of each group taken alone (intervals from ${path})`, () => {
      const options = (group: number) => ({ resamples: 200, seed: `group:${group}`, normalBootstrapMinPrompts: threshold });
      const together = set.figuresByGroup(groupOf, 3, options);
      for (const group of [0, 1, 2]) {
        const [single] = set.figuresByGroup(alone(group), 1, () => options(group));
        expect(together[group]).toEqual(single);
        expect(together[group]!.prompts).toBe(prompts.filter((p, i) => groupOf[i] === group && p.raters.length >= 2).length);
      }
    });

    it(`of one group holding every prompt are the project's figures (intervals from ${path})`, () => {
      const options = { resamples: 200, seed: "all", normalBootstrapMinPrompts: threshold };
      const [all] = set.figuresByGroup(new Int32Array(prompts.length), 1, () => options);
      expect(all).toEqual(set.figures(options));
      expect(all!.raters).toBe(6);
    });
  }
});
