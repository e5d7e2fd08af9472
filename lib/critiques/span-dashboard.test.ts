import { describe, expect, it } from "vitest";
import { agreementCandidates, spanDashboardFigures, type CandidateRanker, type DashboardSpan } from "@/lib/critiques/span-dashboard";

const span = (
  who: string,
  completionId: string,
  start: number,
  end: number,
  tag: string,
  extra: Partial<DashboardSpan> = {},
): DashboardSpan => ({
  kind: who.startsWith("run-") ? "judge" : "clinician",
  key: who,
  completionId,
  start,
  end,
  tag,
  severity: "major",
  model: completionId === "c1" ? "model-a" : "model-b",
  source: "MedQA",
  label: `pseudonym of ${who}`,
  ...extra,
});

const ranked = (who: string, ...completionIds: string[]): CandidateRanker[] =>
  completionIds.map((completionId) => ({ kind: who.startsWith("run-") ? "judge" : "clinician", key: who, completionId }));

/**
 * Clinicians ann and bob ranked c1, c2 and c3; the judge run run-j ranked them too (two permutations
 * marking the same text). c1: ann [0, 10) and bob [5, 15) "wrong-dose", the judge [0, 10) "wrong-dose";
 * c2: ann [0, 4) "incomplete", bob nothing, the judge nothing; c3: nobody marked anything.
 */
const spans = [
  span("ann", "c1", 0, 10, "wrong-dose"),
  span("bob", "c1", 5, 15, "wrong-dose", { severity: "critical" }),
  span("ann", "c2", 0, 4, "incomplete", { severity: "minor" }),
  span("run-j", "c1", 0, 10, "wrong-dose"),
  span("run-j", "c1", 0, 10, "wrong-dose"),
];
const rankers = [...ranked("ann", "c1", "c2", "c3"), ...ranked("bob", "c1", "c2", "c3"), ...ranked("run-j", "c1", "c2", "c3")];

describe("the agreement dashboard's span figures", () => {
  it("compares the raters of each marked candidate, a rater who marked nothing included and unmarked candidates left out", () => {
    expect(agreementCandidates(spans, rankers, (r) => r.kind === "clinician")).toEqual([
      {
        candidate: "c1",
        raters: [
          { rater: "clinician:ann", spans: [spans[0]] },
          { rater: "clinician:bob", spans: [spans[1]] },
        ],
      },
      {
        candidate: "c2",
        raters: [
          { rater: "clinician:ann", spans: [spans[2]] },
          { rater: "clinician:bob", spans: [] },
        ],
      },
    ]);
  });

  it("gives the clinicians' overlap F1 computed by hand: 2·5 / (10 + 10 + 4) overall, 2·5 / 20 for the dose and 0 for incomplete", () => {
    const { clinicians } = spanDashboardFigures(spans, rankers, "seed");
    expect(clinicians.candidates).toBe(2);
    expect(clinicians.pairs).toBe(2);
    expect(clinicians.overall).toMatchObject({ pairs: 2, overlap: 5, marked: 24, precision: null, recall: null });
    expect(clinicians.overall.f1).toBeCloseTo(10 / 24, 12);
    expect(clinicians.byTag.map((t) => [t.tag, t.f1, t.pairs])).toEqual([
      ["incomplete", 0, 1],
      ["wrong-dose", 0.5, 1],
    ]);
    expect(clinicians.candidatesByTag).toEqual({ "wrong-dose": 1, incomplete: 1 });
    // Two candidates resampled: each draw is c1 alone (0.5), c2 alone (0) or both (10/24).
    expect(clinicians.overall.interval![0]).toBeGreaterThanOrEqual(0);
    expect(clinicians.overall.interval![1]).toBeLessThanOrEqual(0.5);
  });

  it("measures each judge run against every clinician, its permutations' spans joined and counted once", () => {
    const { judges } = spanDashboardFigures(spans, rankers, "seed");
    expect(judges).toHaveLength(1);
    const [judge] = judges;
    expect(judge!.runId).toBe("run-j");
    expect(judge!.spans).toBe(1);
    // c1: ann × judge overlap 10 of 20, bob × judge overlap 5 of 20; c2: ann × judge 0 of 4 (bob × judge marked nothing: left out).
    expect(judge!.agreement).toMatchObject({ candidates: 2, pairs: 4 });
    expect(judge!.agreement.overall).toMatchObject({ pairs: 3, overlap: 15, marked: 44 });
    expect(judge!.agreement.overall.f1).toBeCloseTo(30 / 44, 12);
    expect(judge!.agreement.overall.precision).toBeCloseTo(15 / 20, 12);
    expect(judge!.agreement.overall.recall).toBeCloseTo(15 / 24, 12);
    expect(judge!.agreement.candidatesByTag).toEqual({ "wrong-dose": 1, incomplete: 1 });
  });

  it("counts only the clinicians' spans in the statistics, by their labels", () => {
    const { statistics } = spanDashboardFigures(spans, rankers, "seed");
    expect(statistics.total).toBe(3);
    expect(statistics.byTag).toEqual([
      { tag: "incomplete", count: 1 },
      { tag: "wrong-dose", count: 2 },
    ]);
    expect(statistics.bySeverity).toEqual([
      { severity: "minor", count: 1 },
      { severity: "major", count: 1 },
      { severity: "critical", count: 1 },
    ]);
    expect(statistics.byTagAndModel).toEqual([
      { tag: "incomplete", model: "model-b", count: 1 },
      { tag: "wrong-dose", model: "model-a", count: 2 },
    ]);
    expect(statistics.byTagAndRater).toEqual([
      { tag: "incomplete", rater: "pseudonym of ann", count: 1 },
      { tag: "wrong-dose", rater: "pseudonym of ann", count: 1 },
      { tag: "wrong-dose", rater: "pseudonym of bob", count: 1 },
    ]);
  });

  it("counts the clinicians' pair-answer spans in the statistics and never in the agreement", () => {
    const answers = [span("cy", "c2", 0, 4, "incomplete", { severity: "critical" }), span("bob", "c2", 1, 3, "unsafe")];
    const withAnswers = spanDashboardFigures(spans, rankers, "seed", answers);
    const without = spanDashboardFigures(spans, rankers, "seed");
    expect(withAnswers.statistics.total).toBe(5);
    expect(withAnswers.pairAnswerSpans).toBe(2);
    expect(without.pairAnswerSpans).toBe(0);
    expect(withAnswers.statistics.byTagAndRater).toEqual([
      { tag: "incomplete", rater: "pseudonym of ann", count: 1 },
      { tag: "incomplete", rater: "pseudonym of cy", count: 1 },
      { tag: "unsafe", rater: "pseudonym of bob", count: 1 },
      { tag: "wrong-dose", rater: "pseudonym of ann", count: 1 },
      { tag: "wrong-dose", rater: "pseudonym of bob", count: 1 },
    ]);
    expect(withAnswers.statistics.bySeverity).toEqual([
      { severity: "minor", count: 1 },
      { severity: "major", count: 2 },
      { severity: "critical", count: 2 },
    ]);
    // Bob's pair-answer span on c2 would lift his F1 there from 0: the agreement is unchanged.
    expect(withAnswers.clinicians).toEqual(without.clinicians);
    expect(withAnswers.judges).toEqual(without.judges);
  });

  it("gives the same intervals for the same seed", () => {
    const a = spanDashboardFigures(spans, rankers, "project-1");
    const b = spanDashboardFigures(spans, rankers, "project-1");
    expect(b.clinicians.overall.interval).toEqual(a.clinicians.overall.interval);
    expect(b.judges[0]!.agreement.overall.interval).toEqual(a.judges[0]!.agreement.overall.interval);
  });
});
