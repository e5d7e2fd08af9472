import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { spanAgreement, spanOverlap, spanStatistics, type AgreementSpan, type SpanStatisticsRow } from "@/lib/critiques/span-agreement";

const s = (start: number, end: number, tag = "x"): AgreementSpan => ({ start, end, tag });

describe("overlap of two raters' spans on one candidate", () => {
  it("A [0,10) x, B [5,15) x: 5 code points shared of 10 each → precision, recall and F1 0.5", () => {
    const { overall, byTag } = spanOverlap([s(0, 10)], [s(5, 15)]);
    const expected = { markedA: 10, markedB: 10, overlap: 5, precision: 0.5, recall: 0.5, f1: 0.5 };
    expect(overall).toEqual(expected);
    expect(Object.fromEntries(byTag)).toEqual({ x: expected });
  });

  it("overall ignores tags: the union of each rater's spans; per tag a tag one rater never used scores 0", () => {
    // A: [0,10) x, [20,30) y → 20 marked. B: [5,15) x, [20,25) z → 15 marked. Shared: [5,10) and [20,25) = 10.
    // Overall precision 10/15, recall 10/20, F1 2·10/35 = 4/7. x: 0.5 as above. y: only A → recall 0, precision
    // undefined (B marked no y), F1 0. z: only B → precision 0, recall undefined, F1 0.
    const { overall, byTag } = spanOverlap([s(0, 10), s(20, 30, "y")], [s(5, 15), s(20, 25, "z")]);
    expect(overall).toEqual({ markedA: 20, markedB: 15, overlap: 10, precision: 10 / 15, recall: 0.5, f1: 4 / 7 });
    expect(byTag.get("y")).toEqual({ markedA: 10, markedB: 0, overlap: 0, precision: null, recall: 0, f1: 0 });
    expect(byTag.get("z")).toEqual({ markedA: 0, markedB: 5, overlap: 0, precision: 0, recall: null, f1: 0 });
    expect([...byTag.keys()]).toEqual(["x", "y", "z"]);
  });

  it("counts a code point marked by two of a rater's spans once", () => {
    // A: [0,10) and [5,12) → [0,12), 12 marked. B: [0,12) → identical marking, F1 1.
    expect(spanOverlap([s(0, 10), s(5, 12)], [s(0, 12)]).overall).toEqual({
      markedA: 12,
      markedB: 12,
      overlap: 12,
      precision: 1,
      recall: 1,
      f1: 1,
    });
  });

  it("leaves F1 undefined when neither rater marked anything", () => {
    expect(spanOverlap([], []).overall).toEqual({ markedA: 0, markedB: 0, overlap: 0, precision: null, recall: null, f1: null });
  });

  it("is symmetric in F1 and swaps precision and recall (property)", () => {
    const spans = fc.array(
      fc
        .tuple(fc.nat(60), fc.integer({ min: 1, max: 20 }), fc.constantFrom("x", "y"))
        .map(([start, len, tag]) => s(start, start + len, tag)),
      { maxLength: 6 },
    );
    fc.assert(
      fc.property(spans, spans, (a, b) => {
        const ab = spanOverlap(a, b).overall;
        const ba = spanOverlap(b, a).overall;
        expect(ab.f1).toBe(ba.f1);
        expect([ab.precision, ab.recall]).toEqual([ba.recall, ba.precision]);
        // Against a brute-force count of marked code points.
        const marks = (spansOf: AgreementSpan[]) =>
          new Set(spansOf.flatMap((x) => Array.from({ length: x.end - x.start }, (_, i) => x.start + i)));
        const [ma, mb] = [marks(a), marks(b)];
        expect(ab.overlap).toBe([...ma].filter((c) => mb.has(c)).length);
        expect([ab.markedA, ab.markedB]).toEqual([ma.size, mb.size]);
      }),
    );
  });
});

describe("span agreement over many candidates", () => {
  // c1: A [0,10) x, B [5,15) x → one pair: overlap 5, marked 20 (F1 0.5).
  // c2: A [0,4) x, B [0,4) x, C [10,14) x → pairs AB (overlap 4, marked 8), AC (0, 8), BC (0, 8):
  //     overlap 4, marked 24 (c2 alone: F1 8/24 = 1/3).
  // c3: one rater only → not counted.
  // Micro F1 = 2·(5 + 4) / (20 + 24) = 18/44 = 9/22. Any resample of two candidates lies between c2's 1/3 and
  // c1's 0.5 and takes each with probability 1/4, so the 2.5th and 97.5th percentiles are exactly 1/3 and 0.5.
  const candidates = [
    {
      candidate: "c1",
      raters: [
        { rater: "A", spans: [s(0, 10)] },
        { rater: "B", spans: [s(5, 15)] },
      ],
    },
    {
      candidate: "c2",
      raters: [
        { rater: "A", spans: [s(0, 4)] },
        { rater: "B", spans: [s(0, 4)] },
        { rater: "C", spans: [s(10, 14)] },
      ],
    },
    { candidate: "c3", raters: [{ rater: "A", spans: [s(0, 3)] }] },
  ];

  it("micro-averages F1 over every pair of raters of every candidate with two or more", () => {
    const agreement = spanAgreement(candidates, { seed: 1 });
    expect(agreement).toMatchObject({ candidates: 2, pairs: 4 });
    expect(agreement.overall).toMatchObject({ tag: null, pairs: 4, overlap: 9, marked: 44, f1: 9 / 22, precision: null, recall: null });
    expect(agreement.overall.interval![0]).toBeCloseTo(1 / 3, 12);
    expect(agreement.overall.interval![1]).toBeCloseTo(0.5, 12);
    expect(agreement.byTag).toEqual([{ ...agreement.overall, tag: "x" }]);
  });

  it("gives the same intervals for the same seed", () => {
    const spread = [
      ...candidates,
      {
        candidate: "c4",
        raters: [
          { rater: "A", spans: [s(0, 9)] },
          { rater: "B", spans: [s(3, 9)] },
        ],
      },
      {
        candidate: "c5",
        raters: [
          { rater: "A", spans: [s(0, 2)] },
          { rater: "B", spans: [s(1, 9)] },
        ],
      },
    ];
    expect(spanAgreement(spread, { seed: "p" }).overall.interval).toEqual(spanAgreement(spread, { seed: "p" }).overall.interval);
  });

  it("leaves out pairs where neither rater marked anything, overall and per tag", () => {
    // d1: A and B mark nothing → no defined pair. d2: A [0,4) x and [10,12) y, B [0,4) x → x: F1 1;
    // y: overlap 0, marked 2 → F1 0; overall: A 6, B 4, overlap 4 → F1 8/10.
    const agreement = spanAgreement(
      [
        {
          candidate: "d1",
          raters: [
            { rater: "A", spans: [] },
            { rater: "B", spans: [] },
          ],
        },
        {
          candidate: "d2",
          raters: [
            { rater: "A", spans: [s(0, 4), s(10, 12, "y")] },
            { rater: "B", spans: [s(0, 4)] },
          ],
        },
      ],
      { seed: 1 },
    );
    expect(agreement).toMatchObject({ candidates: 2, pairs: 2 });
    expect(agreement.overall).toMatchObject({ pairs: 1, f1: 0.8 });
    expect(agreement.byTag.map(({ tag, pairs, f1 }) => ({ tag, pairs, f1 }))).toEqual([
      { tag: "x", pairs: 1, f1: 1 },
      { tag: "y", pairs: 1, f1: 0 },
    ]);
  });

  it("with no rater marking anything, F1 and its interval are undefined", () => {
    const agreement = spanAgreement(
      [
        {
          candidate: "d1",
          raters: [
            { rater: "A", spans: [] },
            { rater: "B", spans: [] },
          ],
        },
      ],
      { seed: 1 },
    );
    expect(agreement.overall).toEqual({
      tag: null,
      pairs: 0,
      overlap: 0,
      marked: 0,
      f1: null,
      interval: null,
      precision: null,
      recall: null,
    });
    expect(spanAgreement([], { seed: 1 })).toMatchObject({ candidates: 0, pairs: 0, byTag: [] });
  });

  it("compares one rater (a judge) against each other rater, with its precision and recall", () => {
    // e1: judge J [0,10), clinicians A [0,5) and B [20,30). Pairs (A, J): overlap 5, A 5, J 10; (B, J): 0, 10, 10.
    // The clinicians' own pair is not counted. e2 has no judge → left out.
    // Precision = 5 / (10 + 10) = 0.25, recall = 5 / (5 + 10) = 1/3, F1 = 10 / 35 = 2/7.
    const agreement = spanAgreement(
      [
        {
          candidate: "e1",
          raters: [
            { rater: "J", spans: [s(0, 10)] },
            { rater: "A", spans: [s(0, 5)] },
            { rater: "B", spans: [s(20, 30)] },
          ],
        },
        {
          candidate: "e2",
          raters: [
            { rater: "A", spans: [s(0, 5)] },
            { rater: "B", spans: [s(0, 5)] },
          ],
        },
      ],
      { seed: 1, comparedRater: "J" },
    );
    expect(agreement).toMatchObject({ candidates: 1, pairs: 2 });
    expect(agreement.overall).toMatchObject({ pairs: 2, overlap: 5, marked: 35, f1: 2 / 7, precision: 0.25, recall: 1 / 3 });
  });
});

describe("span statistics for the dashboard", () => {
  it("counts spans by tag, severity, and tag × model, source and rater", () => {
    const rows: SpanStatisticsRow[] = [
      { model: "m1", source: "s1", rater: "Rater 1", tag: "wrong-dose", severity: "critical" },
      { model: "m1", source: "s1", rater: "Rater 2", tag: "wrong-dose", severity: "major" },
      { model: "m2", source: "s1", rater: "Rater 1", tag: "wrong-dose", severity: "major" },
      { model: "m2", source: "s2", rater: "Rater 1", tag: "incomplete", severity: "major" },
    ];
    expect(spanStatistics(rows)).toEqual({
      total: 4,
      byTag: [
        { tag: "incomplete", count: 1 },
        { tag: "wrong-dose", count: 3 },
      ],
      bySeverity: [
        { severity: "minor", count: 0 },
        { severity: "major", count: 3 },
        { severity: "critical", count: 1 },
      ],
      byTagAndModel: [
        { tag: "incomplete", model: "m2", count: 1 },
        { tag: "wrong-dose", model: "m1", count: 2 },
        { tag: "wrong-dose", model: "m2", count: 1 },
      ],
      byTagAndSource: [
        { tag: "incomplete", source: "s2", count: 1 },
        { tag: "wrong-dose", source: "s1", count: 3 },
      ],
      byTagAndRater: [
        { tag: "incomplete", rater: "Rater 1", count: 1 },
        { tag: "wrong-dose", rater: "Rater 1", count: 2 },
        { tag: "wrong-dose", rater: "Rater 2", count: 1 },
      ],
    });
  });
});
