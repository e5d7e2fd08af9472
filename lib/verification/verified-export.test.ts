import { describe, expect, it } from "vitest";
import type { Outcome, Vote } from "@/lib/verification/pair-outcome";
import { setAgreementOf } from "@/lib/verification/verification-agreement";
import { verifiedCard, type VerifiedSet } from "@/lib/verification/verified-card";
import { verifiedExportConfigSchema } from "@/lib/verification/verified-export-config";
import { verifiedRow, verifiedStatistics, type VerifiedPairSource } from "@/lib/verification/verified-rows";

const CONTEXT = {
  project: "cardio",
  set: "set-1",
  setName: "Cardio bench",
  setVersion: 3,
  judgeRun: "run-1",
  sourceExport: null,
  exportVersion: "v1",
};

/** The texts of every pair here: the judge's chosen answer is the short one. */
const TEXTS = { messages: [{ role: "user", content: "Which drug first?" }], chosen: "Short.", rejected: "Much longer answer." };

function pair(outcome: Outcome, votes: [string, Vote, number | null][], extra: Partial<VerifiedPairSource> = {}): VerifiedPairSource {
  return {
    id: `pair-${outcome}`,
    position: 0,
    promptId: "prompt-uuid",
    externalId: "q7",
    source: "MedQA",
    promptType: "exam",
    chosen: { completionId: "c-good", model: "gpt-4" },
    rejected: { completionId: "c-bad", model: "qwen" },
    categories: ["easy", "length"],
    judge: {
      run: "run-1",
      chosenRank: 1,
      rejectedRank: 4,
      chosenScore: 5,
      rejectedScore: 2,
      positionFlips: 0.5,
      humanDisagreement: null,
    },
    outcome,
    adjudicated: false,
    votes: votes.map(([rater, vote, confidence]) => ({ rater, vote, confidence })),
    ...extra,
  };
}

describe("verified benchmark rows", () => {
  it("keep a verified pair as the judge ordered it, its votes as cast", () => {
    const row = verifiedRow(
      pair("VERIFIED", [
        ["r-1", "CHOSEN", 4],
        ["r-2", "TIE", null],
      ]),
      TEXTS,
      CONTEXT,
    )!;
    expect(row).toMatchObject({
      pair: "pair-VERIFIED",
      prompt_id: "q7",
      prompt: [{ role: "user", content: "Which drug first?" }],
      chosen: [{ role: "assistant", content: "Short." }],
      rejected: [{ role: "assistant", content: "Much longer answer." }],
      categories: ["easy", "length"],
      source: "MedQA",
    });
    expect(row.provenance).toEqual({
      prompt_uuid: "prompt-uuid",
      project: "cardio",
      prompt_type: "exam",
      set: "set-1",
      set_name: "Cardio bench",
      set_version: 3,
      judge_run: "run-1",
      source_export: null,
      outcome: "verified",
      adjudicated: false,
      chosen_id: "c-good",
      chosen_model: "gpt-4",
      rejected_id: "c-bad",
      rejected_model: "qwen",
      judge: {
        chosen_id: "c-good",
        chosen_model: "gpt-4",
        rejected_id: "c-bad",
        rejected_model: "qwen",
        upheld: true,
        run: "run-1",
        chosen_rank: 1,
        rejected_rank: 4,
        chosen_score: 5,
        rejected_score: 2,
        position_flips: 0.5,
        human_disagreement: null,
      },
      votes: [
        { rater: "r-1", vote: "chosen", confidence: 4 },
        { rater: "r-2", vote: "tie", confidence: null },
      ],
      export_version: "v1",
    });
  });

  it("swap an overturned pair's completions and votes, add `human`, and keep the judge's own verdict in provenance", () => {
    const row = verifiedRow(
      pair("OVERTURNED", [
        ["r-1", "REJECTED", 5],
        ["r-2", "REJECTED", null],
        ["r-3", "BOTH_BAD", 2],
      ]),
      TEXTS,
      CONTEXT,
    )!;
    expect(row.chosen).toEqual([{ role: "assistant", content: "Much longer answer." }]);
    expect(row.rejected).toEqual([{ role: "assistant", content: "Short." }]);
    expect(row.categories).toEqual(["easy", "length", "human"]);
    const provenance = row.provenance as Record<string, unknown>;
    expect(provenance).toMatchObject({ outcome: "overturned", chosen_model: "qwen", rejected_model: "gpt-4" });
    expect(provenance.judge).toMatchObject({ chosen_model: "gpt-4", rejected_model: "qwen", upheld: false });
    expect(provenance.votes).toEqual([
      { rater: "r-1", vote: "chosen", confidence: 5 },
      { rater: "r-2", vote: "chosen", confidence: null },
      { rater: "r-3", vote: "both_bad", confidence: 2 },
    ]);
  });

  it("leave out pending and disputed pairs; MedPref's prompt id stands in for a missing imported one; unknown verdict fields are null", () => {
    expect(verifiedRow(pair("PENDING", [["r-1", "CHOSEN", null]]), TEXTS, CONTEXT)).toBeNull();
    expect(
      verifiedRow(
        pair("DISPUTED", [
          ["r-1", "CHOSEN", null],
          ["r-2", "REJECTED", null],
        ]),
        TEXTS,
        CONTEXT,
      ),
    ).toBeNull();
    const row = verifiedRow(pair("VERIFIED", [], { externalId: null, judge: { chosenRank: "1" } }), TEXTS, CONTEXT)!;
    expect(row.prompt_id).toBe("prompt-uuid");
    expect((row.provenance as { judge: unknown }).judge).toMatchObject({
      run: null,
      chosen_rank: null,
      rejected_rank: null,
      chosen_score: null,
      position_flips: null,
    });
  });
});

describe("verified benchmark statistics and card", () => {
  const pairs = [
    pair("VERIFIED", [
      ["a", "CHOSEN", null],
      ["b", "CHOSEN", null],
    ]),
    pair("OVERTURNED", [
      ["a", "REJECTED", null],
      ["b", "REJECTED", null],
    ]),
    pair("VERIFIED", [["a", "CHOSEN", null]], { adjudicated: true, categories: ["hard"], source: null }),
    pair("DISPUTED", [
      ["a", "CHOSEN", null],
      ["b", "REJECTED", null],
    ]),
    pair("PENDING", []),
  ];
  const set: VerifiedSet = {
    id: "set-1",
    name: "Cardio <b>bench</b>",
    version: 3,
    project: { slug: "cardio", name: "Cardiology" },
    source: { kind: "export", id: "exp-1", name: "dpo test" },
    config: { strategy: "all-pairs", sampling: "category", seed: 11 },
    raters: 3,
    agree: 2,
    disputed: "exclude",
  };

  it("count every outcome, adjudicated pairs with their decision, and kept pairs per category and source", () => {
    expect(verifiedStatistics(pairs)).toEqual({
      sampled: 5,
      kept: 3,
      verified: 2,
      overturned: 1,
      disputed: 2,
      disputedExcluded: 1,
      adjudicated: 1,
      adjudicatedVerified: 1,
      adjudicatedOverturned: 0,
      pending: 1,
      categories: { easy: 2, hard: 1, length: 2, human: 1 },
      sources: { "": 1, MedQA: 2 },
    });
  });

  it("state the construction: an export's test split, the sampling, the m-of-k rule, the counts, with names as inert Markdown", () => {
    const card = verifiedCard({
      config: verifiedExportConfigSchema.parse({ kind: "verification", set: "00000000-0000-4000-8000-000000000001", fileType: "parquet" }),
      exportVersion: "abc",
      set,
      statistics: verifiedStatistics(pairs),
      agreement: setAgreementOf(pairs, set.config),
      file: { split: "test", path: "data/test.parquet", rows: 3 },
    });
    expect(card).toContain("# MedPref verified benchmark: Cardio &lt;b&gt;bench&lt;/b&gt; v3");
    expect(card).toContain("- **Source**: the test split of export **dpo test** (`exp-1`), pairs made by the `all-pairs` strategy.");
    expect(card).toContain(
      "- **Sampling**: 5 pairs sampled, `category`: drawn at random within each category (easy / hard / length) (seed 11).",
    );
    expect(card).toContain("at least 2 of 3 raters agree with the judge's verdict");
    expect(card).toContain("Disputed pairs are left out.");
    for (const line of [
      "| verified | 2 (1 by adjudication) |",
      "| overturned | 1 |",
      "| disputed | 2 |",
      "| pending | 1 |",
      "| (none) | 1 |",
    ])
      expect(card).toContain(line);
    // Two voted pairs of two votes agree, one does not: 2/3; the raters upheld the judge on 1 of the 2 pairs they
    // decided (the adjudicated one is the admin's decision, left out).
    expect(card).toContain("(3 pairs with two or more votes): 0.667 agreement");
    expect(card).toContain("(2 pairs the raters verified or overturned; adjudicated ones left out): 0.500 upheld the judge's verdict");
    expect(card).toContain("pretty_name: MedPref verified benchmark abc\n");
    expect(card).toContain('bench = load_dataset("path/to/this/directory")["test"]');
    expect(card).toContain("1.0 if chosen > rejected else 0.5 if chosen == rejected else 0.0");
    expect(card).not.toContain("<b>");
  });
});
