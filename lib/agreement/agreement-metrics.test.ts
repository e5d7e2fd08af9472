import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { agreementFigures, FIGURE_KEYS, type RatedPrompt } from "@/lib/agreement/agreement-figures";
import { fleissItem, fleissKappa } from "@/lib/agreement/fleiss-kappa";
import { fractionalRanks, meanRankConsensus } from "@/lib/agreement/fractional-ranks";
import { kendallW } from "@/lib/agreement/kendall-w";
import { krippendorffAlphaOrdinal } from "@/lib/agreement/krippendorff-alpha";
import { pairVerdicts } from "@/lib/agreement/pair-verdicts";
import { seededRandom, seededShuffle } from "@/lib/core/seeded-random";

const ranks = (...xs: number[]) => fractionalRanks(xs);

describe("fractional ranks", () => {
  it("give tied candidates the mean of the positions they span", () => {
    expect([...ranks(1, 1, 3)]).toEqual([1.5, 1.5, 3]);
    expect([...ranks(1, 1, 2)]).toEqual([1.5, 1.5, 3]);
    expect([...ranks(2, 1, 2, 2)]).toEqual([3, 1, 3, 3]);
  });

  it("build a consensus from mean ranks, keeping equal means tied", () => {
    expect([...meanRankConsensus([ranks(1, 2, 3), ranks(2, 1, 3)])]).toEqual([1.5, 1.5, 3]);
  });
});

describe("pair verdicts", () => {
  it("count same verdicts including ties, and the untied pairs apart", () => {
    // pairs (0,1): a says 0, b ties → differ; (0,2): both 0; (1,2): both 1
    const v = pairVerdicts(ranks(1, 2, 3), ranks(1, 1, 3));
    expect(v).toMatchObject({ pairs: 3, same: 2, untiedPairs: 2, untiedSame: 2 });
    expect(v.tauB).toBeCloseTo(2 / Math.sqrt(3 * 2), 12);
  });

  it("give tau-b = −1 for a reversed ranking", () => {
    expect(pairVerdicts(ranks(1, 2, 3, 4), ranks(4, 3, 2, 1)).tauB).toBe(-1);
  });

  it("count exactly what comparing pair by pair counts, up to 8 candidates (bit masks) and past them", () => {
    // The definition, pair by pair: same verdict (either better, or both tie), untied by both, tau-b.
    const byPairs = (a: Float64Array, b: Float64Array) => {
      let pairs = 0,
        same = 0,
        untiedPairs = 0,
        untiedSame = 0,
        tiedA = 0,
        tiedB = 0;
      for (let i = 0; i < a.length; i++)
        for (let j = i + 1; j < a.length; j++) {
          const da = Math.sign(a[i]! - a[j]!);
          const db = Math.sign(b[i]! - b[j]!);
          pairs += 1;
          if (da === db) same += 1;
          if (da === 0) tiedA += 1;
          if (db === 0) tiedB += 1;
          if (da !== 0 && db !== 0) {
            untiedPairs += 1;
            if (da === db) untiedSame += 1;
          }
        }
      const denominator = Math.sqrt((pairs - tiedA) * (pairs - tiedB));
      return { pairs, same, untiedPairs, untiedSame, tauB: denominator === 0 ? Number.NaN : (2 * untiedSame - untiedPairs) / denominator };
    };
    const rankings = fc
      .integer({ min: 2, max: 10 })
      .chain((n) =>
        fc.tuple(
          fc.array(fc.integer({ min: 1, max: 4 }), { minLength: n, maxLength: n }),
          fc.array(fc.integer({ min: 1, max: 4 }), { minLength: n, maxLength: n }),
        ),
      );
    fc.assert(
      fc.property(rankings, ([a, b]) => {
        expect(pairVerdicts(ranks(...a), ranks(...b))).toEqual(byPairs(ranks(...a), ranks(...b)));
      }),
      { numRuns: 500, seed: 16 },
    );
    // 8 candidates, every pair tied by one rater: no tau-b.
    expect(pairVerdicts(ranks(1, 1, 1, 1, 1, 1, 1, 1), ranks(1, 2, 3, 4, 5, 6, 7, 8))).toMatchObject({
      pairs: 28,
      same: 0,
      untiedPairs: 0,
      tauB: Number.NaN,
    });
  });
});

describe("Kendall's W", () => {
  it("reproduces a worked example with ties (5 candidates, 3 raters)", () => {
    // Raw scores per rater (lower = better), ranked with average ranks:
    //   x: 1 5 7 2 8 → 1 3 4 2 5;  y: 1 6 8 3 6 → 1 3.5 5 2 3.5;  z: 2 5 4 2 5 → 1.5 4.5 3 1.5 4.5
    // Rank sums 3.5 11 12 5.5 13, mean 9, S = 71.5; T = (2³−2) + 2·(2³−2) = 18
    // W = 12·71.5 / (3²·(5³−5) − 3·18) = 858 / 1026
    const w = kendallW([ranks(1, 5, 7, 2, 8), ranks(1, 6, 8, 3, 6), ranks(2, 5, 4, 2, 5)]);
    expect(w).toBeCloseTo(858 / 1026, 12);
  });

  it("is 1 for identical strict rankings and 0 for two opposite ones", () => {
    expect(kendallW([ranks(1, 2, 3, 4), ranks(1, 2, 3, 4), ranks(1, 2, 3, 4)])).toBeCloseTo(1, 12);
    expect(kendallW([ranks(1, 2, 3, 4), ranks(4, 3, 2, 1)])).toBeCloseTo(0, 12);
  });
});

describe("Krippendorff's alpha (ordinal)", () => {
  it("reproduces Krippendorff's reliability-data example: 4 observers, 12 units, missing values (α = 0.815)", () => {
    const _ = null;
    const data = [
      [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
      [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
      [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
      [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
    ];
    expect(krippendorffAlphaOrdinal(data)).toBeCloseTo(0.815, 3);
  });

  it("is 1 when every rater agrees", () => {
    expect(
      krippendorffAlphaOrdinal([
        [1, 2, 3, 4],
        [1, 2, 3, 4],
      ]),
    ).toBeCloseTo(1, 12);
  });
});

describe("Fleiss' kappa", () => {
  it("reproduces Fleiss' worked example (10 subjects, 14 raters, 5 categories: κ = 0.210)", () => {
    const table = [
      [0, 0, 0, 0, 14],
      [0, 2, 6, 4, 2],
      [0, 0, 3, 5, 6],
      [0, 3, 9, 2, 0],
      [2, 2, 8, 1, 1],
      [7, 7, 0, 0, 0],
      [3, 2, 6, 3, 0],
      [2, 5, 3, 2, 2],
      [6, 5, 2, 1, 0],
      [0, 2, 2, 3, 7],
    ];
    const items = table.map((row) => fleissItem(row.flatMap((count, category) => Array<number>(count).fill(category))));
    expect(fleissKappa(items)).toBeCloseTo(0.21, 3);
  });

  it("handles items rated by different numbers of raters and leaves out single ratings", () => {
    const items = [fleissItem([0, 0, 0]), fleissItem([1, 1]), fleissItem([0, 1]), fleissItem([2])];
    // P̄ = (1 + 1 + 0) / 3; p = (4/7, 3/7); P̄e = 25/49
    expect(fleissKappa(items)).toBeCloseTo((2 / 3 - 25 / 49) / (1 - 25 / 49), 12);
  });
});

// ---- properties over random projects ----

const permutationOf = (n: number) =>
  fc.shuffledSubarray(
    Array.from({ length: n }, (_, i) => i),
    { minLength: n, maxLength: n },
  );
const rankingOf = (n: number, ties: boolean) =>
  ties
    ? fc.array(fc.integer({ min: 1, max: n }), { minLength: n, maxLength: n }).map((xs) => fractionalRanks(xs))
    : permutationOf(n).map((p) => fractionalRanks(p));

const project = (ties: boolean) =>
  fc
    .integer({ min: 2, max: 8 })
    .chain((n) =>
      fc.array(
        fc.integer({ min: 2, max: 4 }).chain((m) => fc.tuple(fc.array(rankingOf(n, ties), { minLength: m, maxLength: m }), fc.constant(n))),
        { minLength: 1, maxLength: 12 },
      ),
    )
    .map((rows): RatedPrompt[] =>
      rows.map(([rankings, n], p) => ({
        promptId: `p${p}`,
        models: Array.from({ length: n }, (_, i) => `model-${i}`),
        raters: rankings.map((r, i) => ({ rater: `r${i}`, ranks: r })),
      })),
    );

const figuresOf = (prompts: RatedPrompt[]) => agreementFigures(prompts, { resamples: 0 });

describe("agreement figures (properties)", () => {
  it("are 1 when every rater gives the same strict ranking", () => {
    fc.assert(
      fc.property(project(false), (prompts) => {
        const same = prompts.map((p) => ({ ...p, raters: p.raters.map((r) => ({ ...r, ranks: p.raters[0]!.ranks })) }));
        const f = figuresOf(same);
        for (const key of ["pairwiseAgreement", "pairwiseAgreementNoTies", "kendallTauB", "kendallW", "top1Agreement"] as const)
          expect(f[key]).toBeCloseTo(1, 9);
        if (f.krippendorffAlphaOrdinal !== null) expect(f.krippendorffAlphaOrdinal).toBeCloseTo(1, 9);
        if (f.fleissKappaTop1 !== null) expect(f.fleissKappaTop1).toBeCloseTo(1, 9);
      }),
    );
  });

  it("give tau-b = −1 and no pairwise agreement for two raters with reversed strict rankings", () => {
    fc.assert(
      fc.property(project(false), (prompts) => {
        const reversed = prompts.map((p) => {
          const r = p.raters[0]!.ranks;
          return { ...p, raters: [p.raters[0]!, { rater: "reverse", ranks: r.map((x) => r.length + 1 - x) }] };
        });
        const f = figuresOf(reversed);
        expect(f.kendallTauB).toBeCloseTo(-1, 9);
        expect(f.pairwiseAgreement).toBe(0);
      }),
    );
  });

  it("do not change when the candidates are relabelled (reordered with their models)", () => {
    fc.assert(
      fc.property(project(true), fc.integer({ min: 0, max: 1000 }), (prompts, salt) => {
        const relabelled = prompts.map((p, i) => {
          const order = seededShuffle(
            p.models.map((_, k) => k),
            seededRandom(`${salt}:${i}`),
          );
          return {
            ...p,
            models: order.map((k) => p.models[k]!),
            raters: p.raters.map((r) => ({ ...r, ranks: Float64Array.from(order, (k) => r.ranks[k]!) })),
          };
        });
        const a = figuresOf(prompts);
        const b = figuresOf(relabelled);
        for (const key of FIGURE_KEYS) {
          if (a[key] === null) expect(b[key]).toBeNull();
          else expect(b[key]).toBeCloseTo(a[key]!, 9);
        }
      }),
    );
  });

  it("give the same intervals for the same seed, and intervals that contain the point estimate's neighbourhood", () => {
    const prompts = fc.sample(project(true), { seed: 7, numRuns: 1 })[0]!;
    const a = agreementFigures(prompts, { resamples: 200, seed: 3 });
    const b = agreementFigures(prompts, { resamples: 200, seed: 3 });
    expect(a.ci95).toEqual(b.ci95);
    for (const key of FIGURE_KEYS) {
      const ci = a.ci95[key];
      if (ci) expect(ci[0]).toBeLessThanOrEqual(ci[1]);
    }
  });
});
