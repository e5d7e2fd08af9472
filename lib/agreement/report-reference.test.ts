import { describe, expect, it } from "vitest";
import { AgreementFigureSet, FIGURE_KEYS, type RatedPrompt } from "@/lib/agreement/agreement-figures";
import { agreementReport, type AgreementReport } from "@/lib/agreement/agreement-report";
import { NORMAL_BOOTSTRAP_MIN_PROMPTS } from "@/lib/agreement/bootstrap";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { compareModels } from "@/lib/agreement/model-strengths";
import { reportColumns, type ReportData, type ReportPrompt, type ReportRanking } from "@/lib/agreement/report-data";
import { seededRandom, seededShuffle } from "@/lib/core/seeded-random";
import { agreementReport as referenceReport } from "../../tests/support/agreement-reference/agreement-report";

/**
 * The report computed today against the one computed before issue 16 (tests/support/agreement-reference),
 * on generated data of several shapes.
 */
interface Shape {
  prompts: number;
  candidates: [number, number];
  annotators: number;
  /** Chance a clinician's ranking of a prompt is missing. */
  missing: number;
  /** Chance two neighbouring candidates tie in a ranking. */
  ties: number;
  runs: number;
  permutations: number;
}

const MODELS = ["gpt-4", "llama-3-70b", "mixtral-8x7b", "qwen-72b", "gpt-3.5", "llama-3-8b", "mistral-7b", "biomistral-7b"];

function generated(shape: Shape, seed: string): ReportData {
  const random = seededRandom(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const raters = new Map(
    Array.from({ length: shape.annotators }, (_, a) => [
      `rater-${a}`,
      { id: `rater-${a}`, name: `Dr. ${a}`, pseudonym: `C${a}`, external: a % 4 === 3 },
    ]),
  );
  const runs = new Map(
    Array.from({ length: shape.runs }, (_, r) => [
      `run-${r}`,
      { id: `run-${r}`, name: `Judge ${r}`, model: r % 2 ? "llama-3-70b" : "gpt-4o" },
    ]),
  );
  const ranking = (quality: number[], noise: number, extra: Partial<ReportRanking>): ReportRanking => {
    const n = quality.length;
    const scores = quality.map((q) => q + noise * random());
    const order = scores.map((_, i) => i).sort((a, b) => scores[b]! - scores[a]!);
    const raw = new Float64Array(n);
    let rank = 1;
    order.forEach((i, k) => {
      if (k > 0 && random() >= shape.ties) rank = k + 1;
      raw[i] = rank;
    });
    const shown = seededShuffle(
      Array.from({ length: n }, (_, i) => i),
      random,
    );
    return {
      kind: "HUMAN",
      raterId: null,
      runId: null,
      permutation: null,
      ranks: fractionalRanks(raw),
      fromAssignment: random() < 0.8,
      shownPositions: Int16Array.from(shown),
      timeOnTaskMs: random() < 0.9 ? int(5_000, 200_000) : null,
      flagged: random() < 0.05,
      ...extra,
    };
  };
  const prompts: ReportPrompt[] = [];
  for (let p = 0; p < shape.prompts; p++) {
    const n = int(shape.candidates[0], shape.candidates[1]);
    const models = Array.from({ length: n }, (_, i) => (i < MODELS.length ? MODELS[i]! : `model-${i}`));
    const quality = models.map((_, i) => (n - i) / n + random());
    const rankings: ReportRanking[] = [];
    for (const rater of raters.keys()) if (random() > shape.missing) rankings.push(ranking(quality, 1.5, { raterId: rater }));
    for (const run of runs.keys())
      if (random() < 0.9)
        for (let k = 0; k < shape.permutations; k++) rankings.push(ranking(quality, 1, { kind: "JUDGE", runId: run, permutation: k }));
    if (random() < 0.05) rankings.push(ranking(quality, 0.5, { kind: "GOLD", raterId: "rater-0" }));
    if (random() < 0.03) rankings.push(ranking(quality, 0.5, { kind: "ADJUDICATED", raterId: "rater-1" }));
    prompts.push({
      id: `q${String(p).padStart(6, "0")}`,
      preview: `Question ${p}`,
      source: ["MedQA", "PubMedQA", null][p % 3]!,
      promptType: ["exam", "open-ended"][p % 2]!,
      models,
      lengths: models.map(() => int(100, 3000)),
      rankings,
    });
  }
  return { prompts, raters, runs };
}

/** Through JSON as stored (undefined → null, typed arrays → objects), as the dashboard reads it. */
const stored = (report: unknown): AgreementReport => JSON.parse(JSON.stringify(report)) as AgreementReport;

const SHAPES: [string, Shape][] = [
  [
    "3 clinicians × 8 candidates, one judge run with 2 permutations",
    { prompts: 300, candidates: [8, 8], annotators: 3, missing: 0, ties: 0, runs: 1, permutations: 2 },
  ],
  [
    "ties and missing rankings, 2 to 16 candidates",
    { prompts: 250, candidates: [2, 16], annotators: 5, missing: 0.35, ties: 0.3, runs: 1, permutations: 1 },
  ],
  [
    "many annotators, two judge runs with 3 permutations",
    { prompts: 200, candidates: [3, 6], annotators: 12, missing: 0.7, ties: 0.1, runs: 2, permutations: 3 },
  ],
  ["two candidates, no judge", { prompts: 120, candidates: [2, 2], annotators: 4, missing: 0.2, ties: 0.2, runs: 0, permutations: 0 }],
  ["a handful of prompts", { prompts: 7, candidates: [4, 5], annotators: 3, missing: 0.1, ties: 0.2, runs: 1, permutations: 2 }],
];

describe("the agreement report against the pre-issue-16 reference", { timeout: 120_000 }, () => {
  for (const [name, shape] of SHAPES) {
    it(`is identical, intervals included, below ${NORMAL_BOOTSTRAP_MIN_PROMPTS} prompts: ${name}`, () => {
      const data = generated(shape, name);
      const options = { seed: `seed:${name}`, resamples: 200, breakdownResamples: 50 };
      expect(stored(agreementReport(reportColumns(data), options))).toEqual(stored(referenceReport(data, options)));
    });
  }

  it("gives the same point estimates above the threshold, where intervals come from the normal approximation", () => {
    const data = generated(
      {
        prompts: NORMAL_BOOTSTRAP_MIN_PROMPTS + 200,
        candidates: [3, 5],
        annotators: 3,
        missing: 0.2,
        ties: 0.15,
        runs: 1,
        permutations: 2,
      },
      "large",
    );
    const options = { seed: "large", resamples: 30, breakdownResamples: 10 };
    const strip = (report: AgreementReport) =>
      JSON.parse(JSON.stringify(report, (key: string, value: unknown) => (key === "ci95" ? undefined : value))) as unknown;
    const current = stored(agreementReport(reportColumns(data), options));
    expect(strip(current)).toEqual(strip(stored(referenceReport(data, options))));
    // Above the threshold every defined figure still has an interval around it.
    for (const key of FIGURE_KEYS) {
      const value = current.humanHuman[key];
      const interval = current.humanHuman.ci95[key];
      expect(value === null ? interval : interval![0] <= value && value <= interval![1]).toBe(value === null ? null : true);
    }
  });
});

/**
 * Monte-Carlo error of a percentile-bootstrap endpoint: the 2.5% quantile of B draws has a standard
 * error of √(p(1−p)/B) / φ(1.96) ≈ 2.67 / √B bootstrap standard errors (σ) for a near-normal
 * statistic — 0.085 σ at B = 1,000. Against a reference of B = 8,000 resamples (0.030 σ) the
 * difference has a standard error of 0.090 σ; the new intervals must be within 4 of those (0.36 σ).
 */
const TOLERANCE_SIGMAS = 4 * Math.hypot(2.67 / Math.sqrt(1000), 2.67 / Math.sqrt(8000));

describe("normal-approximation intervals", { timeout: 120_000 }, () => {
  it(`are within their Monte-Carlo error (${TOLERANCE_SIGMAS.toFixed(2)} bootstrap SE) of a large exact bootstrap`, () => {
    const data = generated({ prompts: 1500, candidates: [5, 8], annotators: 4, missing: 0.25, ties: 0.15, runs: 0, permutations: 0 }, "mc");
    const rated: RatedPrompt[] = data.prompts.map((p) => ({
      promptId: p.id,
      models: p.models,
      raters: p.rankings.filter((r) => r.kind === "HUMAN").map((r) => ({ rater: r.raterId!, ranks: r.ranks })),
    }));
    const set = new AgreementFigureSet(rated);
    const normal = set.figures({ seed: "mc", resamples: 1000, normalBootstrapMinPrompts: 0 });
    const exact = set.figures({ seed: "mc-exact", resamples: 8000, normalBootstrapMinPrompts: Number.POSITIVE_INFINITY });
    for (const key of FIGURE_KEYS) {
      expect(normal[key]).toBe(exact[key]);
      const [lo, hi] = exact.ci95[key]!;
      const sigma = (hi - lo) / 3.92;
      expect(sigma).toBeGreaterThan(0);
      const [nlo, nhi] = normal.ci95[key]!;
      expect(Math.abs(nlo - lo) / sigma, `${key} lower end`).toBeLessThan(TOLERANCE_SIGMAS);
      expect(Math.abs(nhi - hi) / sigma, `${key} upper end`).toBeLessThan(TOLERANCE_SIGMAS);
    }
  });

  it("give Bradley–Terry strengths within their Monte-Carlo error of a large exact bootstrap", () => {
    const data = generated({ prompts: 800, candidates: [5, 6], annotators: 3, missing: 0.2, ties: 0.1, runs: 0, permutations: 0 }, "bt");
    const items = data.prompts.map((p) => ({
      models: p.models,
      rankings: p.rankings.filter((r) => r.kind === "HUMAN").map((r) => r.ranks),
    }));
    const normal = compareModels(() => items, { seed: "bt", resamples: 400, normalBootstrapMinPrompts: 0 });
    const exact = compareModels(() => items, { seed: "bt-exact", resamples: 1500, normalBootstrapMinPrompts: Number.POSITIVE_INFINITY });
    const tolerance = 4 * Math.hypot(2.67 / Math.sqrt(400), 2.67 / Math.sqrt(1500));
    expect(normal.strengths.map((s) => [s.model, s.logStrength])).toEqual(exact.strengths.map((s) => [s.model, s.logStrength]));
    normal.strengths.forEach((s, i) => {
      const [lo, hi] = exact.strengths[i]!.ci95!;
      const sigma = (hi - lo) / 3.92;
      expect(Math.abs(s.ci95![0] - lo) / sigma, `${s.model} lower end`).toBeLessThan(tolerance);
      expect(Math.abs(s.ci95![1] - hi) / sigma, `${s.model} upper end`).toBeLessThan(tolerance);
    });
  });
});
