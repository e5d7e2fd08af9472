import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { aggregateRankings, copelandScores, rankingAgreement } from "@/lib/export/aggregate-rankings";
import { messagesType, serializeJsonRow, stringType, doubleType } from "@/lib/export/columns";
import {
  exportConfigSchema,
  parseSourceChoice,
  parseSplitList,
  PAIRING_STRATEGIES,
  type PairingStrategy,
} from "@/lib/export/export-config";
import type { ExportPrompt } from "@/lib/export/export-prompt";
import { normalizedPromptKey, normalizePromptText } from "@/lib/export/normalize-prompt";
import { packageLayout } from "@/lib/export/package-layout";
import { pairCandidates, topCandidate } from "@/lib/export/pairing";
import { ratePrompt } from "@/lib/export/rate-prompt";
import { assignSplits } from "@/lib/export/splits";
import { seededRandom } from "@/lib/core/seeded-random";

const options = (strategy: PairingStrategy, extra: Partial<{ margin: number; topK: number; quantile: number }> = {}) => ({
  strategy,
  margin: 1,
  topK: 2,
  quantile: 0.5,
  ...extra,
});

/** Rankings of 2–16 candidates with ties: raw integer levels turned into fractional ranks. */
const ranking = fc.array(fc.integer({ min: 1, max: 5 }), { minLength: 2, maxLength: 16 }).map((raw) => fractionalRanks(raw));
const strategy = fc.constantFrom(...PAIRING_STRATEGIES);

describe("pairing strategies", () => {
  it("never pair tied candidates and always put the better-ranked candidate first", () => {
    fc.assert(
      fc.property(ranking, strategy, fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 1000 }), (ranks, s, margin, seed) => {
        for (const pair of pairCandidates(ranks, options(s, { margin }), seededRandom(seed))) {
          expect(pair.chosen).not.toBe(pair.rejected);
          expect(ranks[pair.chosen]!).toBeLessThan(ranks[pair.rejected]!);
          if (s === "all-pairs") expect(ranks[pair.rejected]! - ranks[pair.chosen]!).toBeGreaterThanOrEqual(margin);
        }
      }),
    );
  });

  it("give nothing for a prompt whose candidates all tie", () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 16 }), strategy, (n, s) => {
        expect(pairCandidates(new Float64Array(n).fill((n + 1) / 2), options(s), seededRandom(1))).toEqual([]);
      }),
    );
  });

  it("are deterministic for a seed", () => {
    fc.assert(
      fc.property(ranking, strategy, fc.integer(), (ranks, s, seed) => {
        expect(pairCandidates(ranks, options(s), seededRandom(seed))).toEqual(pairCandidates(ranks, options(s), seededRandom(seed)));
      }),
    );
  });

  it("count as documented on 8 strict candidates: 28 for all-pairs, 4 for top-2 vs bottom-2, 1 otherwise", () => {
    const ranks = Float64Array.from([3, 1, 8, 2, 5, 4, 7, 6]);
    expect(pairCandidates(ranks, options("all-pairs"), seededRandom(1))).toHaveLength(28);
    expect(pairCandidates(ranks, options("all-pairs", { margin: 7 }), seededRandom(1))).toEqual([{ chosen: 1, rejected: 2 }]);
    expect(pairCandidates(ranks, options("topk"), seededRandom(1))).toHaveLength(4);
    expect(pairCandidates(ranks, options("best-worst"), seededRandom(1))).toEqual([{ chosen: 1, rejected: 2 }]);
    expect(pairCandidates(ranks, options("quantile", { quantile: 0.5 }), seededRandom(1))).toEqual([{ chosen: 1, rejected: 4 }]);
    const [pair] = pairCandidates(ranks, options("best-random"), seededRandom(1));
    expect(pair!.chosen).toBe(1);
  });

  it("best-random draws every lower-ranked candidate across seeds, and the top pick among tied bests", () => {
    const ranks = Float64Array.from([1, 2, 3, 4]);
    const drawn = new Set(
      Array.from({ length: 200 }, (_, s) => pairCandidates(ranks, options("best-random"), seededRandom(s))[0]!.rejected),
    );
    expect([...drawn].sort()).toEqual([1, 2, 3]);
    const tiedTop = Float64Array.from([1.5, 1.5, 3, 4]);
    expect(new Set(Array.from({ length: 100 }, (_, s) => topCandidate(tiedTop, seededRandom(s))))).toEqual(new Set([0, 1]));
  });
});

describe("splits", () => {
  const item = fc.record({
    text: fc.constantFrom("What is X?", "what is x", "Dose of Y", "dose of y!", "Z", "W?", "Q", "R"),
    source: fc.constantFrom("MedQA", "PubMedQA", ""),
  });
  const items = fc
    .array(item, { minLength: 1, maxLength: 80 })
    .map((list) => list.map((x, i) => ({ promptId: `p${i}`, groupKey: normalizedPromptKey(x.text), stratum: x.source })));
  const splits = [
    { name: "train", fraction: 0.8 },
    { name: "validation", fraction: 0.1 },
    { name: "test", fraction: 0.1 },
  ];

  it("put every prompt in exactly one split and near-identical prompts in the same one", () => {
    fc.assert(
      fc.property(items, fc.integer(), (list, seed) => {
        const assigned = assignSplits(list, splits, seed);
        expect(assigned.size).toBe(list.length);
        const byKey = new Map<string, string>();
        for (const x of list) {
          expect(byKey.get(x.groupKey) ?? assigned.get(x.promptId)).toBe(assigned.get(x.promptId));
          byKey.set(x.groupKey, assigned.get(x.promptId)!);
        }
      }),
    );
  });

  it("are deterministic for a seed whatever the input order", () => {
    fc.assert(
      fc.property(items, fc.integer(), (list, seed) => {
        expect(assignSplits([...list].reverse(), splits, seed)).toEqual(assignSplits(list, splits, seed));
      }),
    );
  });

  it("follow the fractions within each stratum", () => {
    const list = Array.from({ length: 1000 }, (_, i) => ({
      promptId: `p${i}`,
      groupKey: `g${i}`,
      stratum: i % 4 === 0 ? "PubMedQA" : "MedQA",
    }));
    const assigned = assignSplits(list, splits, 42);
    for (const stratum of ["PubMedQA", "MedQA"]) {
      const mine = list.filter((x) => x.stratum === stratum);
      const test = mine.filter((x) => assigned.get(x.promptId) === "test").length / mine.length;
      expect(test).toBeCloseTo(0.1, 2);
    }
  });

  it("fold case, whitespace and punctuation into one normalized text", () => {
    expect(normalizePromptText("  What is the DOSE?\n(adult) ")).toBe("what is the dose adult");
    expect(normalizedPromptKey("What is X?")).toBe(normalizedPromptKey("what  is x"));
  });
});

describe("aggregation", () => {
  const relabel = (r: Float64Array, perm: number[]) => Float64Array.from(perm.map((p) => r[p]!));

  it("agrees across methods when every ranking is the same, and keeps a unanimous tie", () => {
    const r = fractionalRanks([1, 2, 2, 3]);
    for (const method of ["borda", "bradley-terry", "majority"] as const)
      expect(Array.from(aggregateRankings([r, r, r], method))).toEqual(Array.from(r));
  });

  it("is symmetric in the candidates (relabelling the input relabels the output)", () => {
    fc.assert(
      fc.property(
        fc.array(
          ranking.filter((r) => r.length === 5),
          { minLength: 2, maxLength: 4 },
        ),
        fc.shuffledSubarray([0, 1, 2, 3, 4], { minLength: 5 }),
        (rankings, perm) => {
          for (const method of ["borda", "bradley-terry", "majority"] as const) {
            const direct = relabel(aggregateRankings(rankings, method), perm);
            expect(
              Array.from(
                aggregateRankings(
                  rankings.map((r) => relabel(r, perm)),
                  method,
                ),
              ),
            ).toEqual(Array.from(direct));
          }
        },
      ),
    );
  });

  it("majority counts pairs won by most rankings (a Condorcet cycle ties)", () => {
    const cycle = [Float64Array.from([1, 2, 3]), Float64Array.from([3, 1, 2]), Float64Array.from([2, 3, 1])];
    expect(Array.from(copelandScores(cycle))).toEqual([0, 0, 0]);
    expect(rankingAgreement(cycle)).toBeCloseTo(1 / 3, 9);
    expect(rankingAgreement([cycle[0]!])).toBeNull();
  });
});

describe("rating a prompt", () => {
  const prompt = (rankings: ExportPrompt["rankings"]): ExportPrompt => ({
    id: "p",
    project: "x",
    messages: [{ role: "user", content: "q" }],
    source: null,
    promptType: null,
    candidates: ["a", "b", "c"].map((m) => ({ completionId: m, model: m, text: m })),
    rankings,
  });
  const r = (
    kind: "HUMAN" | "JUDGE" | "GOLD" | "ADJUDICATED",
    ranks: number[],
    flags: string[][] = [[], [], []],
    runId: string | null = null,
  ) => ({
    kind,
    rater: kind === "JUDGE" ? `judge:${runId}` : `rater-${ranks.join("")}`,
    runId,
    permutation: null,
    ranks: fractionalRanks(ranks),
    scores: [null, null, null],
    scoreScale: [1, 5] as const,
    flags,
    spans: [],
  });
  const config = exportConfigSchema.parse({ projects: ["x"] });

  it("lets an adjudicated ranking override the clinicians", () => {
    const rated = ratePrompt(prompt([r("HUMAN", [1, 2, 3]), r("HUMAN", [1, 2, 3]), r("ADJUDICATED", [3, 2, 1])]), config, null);
    expect(typeof rated).toBe("object");
    expect(rated).toMatchObject({ ratingSource: "adjudicated", rankingCount: 1 });
  });

  it("leaves out a prompt whose best candidate anyone flagged unsafe, unless asked to keep it", () => {
    const p = prompt([r("HUMAN", [1, 2, 3]), r("HUMAN", [1, 3, 2], [["unsafe"], [], []])]);
    expect(ratePrompt(p, config, null)).toBe("flagged-chosen");
    expect(typeof ratePrompt(p, { ...config, excludeFlaggedChosen: false }, null)).toBe("object");
  });

  it("applies minimum human rankings, minimum agreement and gold exclusion", () => {
    const p = prompt([r("HUMAN", [1, 2, 3]), r("HUMAN", [3, 2, 1]), r("JUDGE", [1, 2, 3], undefined, "run")]);
    expect(ratePrompt(p, { ...config, minHumanRankings: 3 }, null)).toBe("too-few-human-rankings");
    expect(ratePrompt(p, { ...config, minAgreement: 0.5 }, null)).toBe("low-agreement");
    expect(ratePrompt(p, { ...config, source: "humans+judge", minHumanRankings: 3 }, "run")).toMatchObject({
      ratingSource: "judge",
      judgeRun: "run",
    });
    expect(ratePrompt(prompt([r("GOLD", [1, 2, 3])]), { ...config, excludeGold: true }, null)).toBe("gold");
  });
});

describe("configuration and rows", () => {
  it("parses the CLI's split and source syntax and refuses what it cannot read", () => {
    expect(parseSplitList("train=0.9,validation=0.05,test=0.05")).toEqual([
      { name: "train", fraction: 0.9 },
      { name: "validation", fraction: 0.05 },
      { name: "test", fraction: 0.05 },
    ]);
    expect(() => parseSplitList("train:0.9")).toThrow(/NAME=FRACTION/);
    expect(parseSourceChoice("judge:abc")).toEqual({ source: "judge", judgeRuns: ["abc"] });
    expect(() => parseSourceChoice("robots")).toThrow(/not a source/);
    expect(exportConfigSchema.safeParse({ projects: ["x"], source: "judge" }).success).toBe(false);
  });

  it("lays out h4 with prefs, sft and gen per split, plus category files", () => {
    const layout = packageLayout({
      format: "h4",
      fileType: "parquet",
      categories: true,
      splits: [
        { name: "train", fraction: 0.9 },
        { name: "test", fraction: 0.1 },
      ],
    });
    expect(layout.map((f) => f.path)).toEqual([
      "data/train_prefs.parquet",
      "data/train_sft.parquet",
      "data/train_gen.parquet",
      "data/test_prefs.parquet",
      "data/test_sft.parquet",
      "data/test_gen.parquet",
      "data/test_prefs_easy.parquet",
      "data/test_prefs_hard.parquet",
      "data/test_prefs_length.parquet",
      "data/test_prefs_human.parquet",
    ]);
  });

  it("writes doubles with a decimal point and refuses a value that breaks its column's type", () => {
    const columns = [
      { name: "s", type: doubleType },
      { name: "m", type: messagesType },
      { name: "t", type: stringType, nullable: true },
    ];
    expect(serializeJsonRow(columns, { s: 2, m: [{ role: "user", content: "hi" }], t: null })).toBe(
      '{"s":2.0,"m":[{"role":"user","content":"hi"}],"t":null}',
    );
    expect(() => serializeJsonRow(columns, { s: null, m: [], t: "x" })).toThrow(/column s/);
  });
});
