import { describe, expect, it } from "vitest";
import type { RatedSpan } from "@/lib/critiques/critique-rows";
import { exportConfigSchema } from "@/lib/export/export-config";
import type { ExportPrompt } from "@/lib/export/export-prompt";
import { candidateSpans, withCheckedSpans } from "@/lib/export/export-spans";
import { exportFormat, rowContext } from "@/lib/export/formats";
import type { PromptRows } from "@/lib/export/formats/export-format";
import { ratePrompt, type RatedPrompt } from "@/lib/export/rate-prompt";

const TEXTS = ["Take 💊 5 g now.", "Take 500 mg.", "Ask a pharmacist."];

const span = (completion: string, quote: string, over: Partial<RatedSpan> = {}): RatedSpan => {
  const start = Array.from(completion.slice(0, completion.indexOf(quote))).length;
  return {
    start,
    end: start + Array.from(quote).length,
    text: quote,
    tag: "wrong-dose",
    severity: "major",
    comment: "",
    correction: "",
    rater: "rater-b",
    ...over,
  };
};

/** Three candidates ranked 1, 2, 3 by one clinician, with `spans` per candidate. */
function prompt(spans: RatedSpan[][] | null): ExportPrompt {
  return {
    id: "p",
    project: "demo",
    messages: [{ role: "user", content: "Dose?" }],
    source: null,
    promptType: null,
    candidates: TEXTS.map((text, i) => ({ completionId: `c${i}`, model: `m${i}`, text })),
    rankings: [
      {
        kind: "HUMAN",
        rater: "rater-b",
        runId: null,
        permutation: null,
        ranks: Float64Array.from([1, 2, 3]),
        scores: [null, null, null],
        scoreScale: [1, 5],
        flags: [[], [], []],
        spans: [],
      },
    ],
    ...(spans ? { critiques: { byCandidate: spans, taxonomyVersions: [0] } } : {}),
  };
}

function rowsOf(format: "dpo" | "h4" | "critiques", p: ExportPrompt, options: Record<string, unknown> = {}): PromptRows | string {
  const config = exportConfigSchema.parse({ projects: ["demo"], format, strategy: "all-pairs", ...options });
  const rated = ratePrompt(withCheckedSpans(p), config, null) as RatedPrompt;
  return exportFormat(format).rowsFor(rated, { context: rowContext(config, "v"), random: () => 0, judgeRun: null });
}

describe("critique spans in exports", () => {
  it("checks a prompt's spans against the completions and orders them by start, end, rater and tag", () => {
    const late = span(TEXTS[0]!, "now");
    const early = span(TEXTS[0]!, "5 g", { rater: "rater-c" });
    const same = span(TEXTS[0]!, "5 g", { rater: "rater-a", tag: "unsafe" });
    const checked = withCheckedSpans(prompt([[late, early, same], [], []]));
    expect(candidateSpans(checked, 0).map((s) => [s.start, s.end, s.rater])).toEqual([
      [7, 10, "rater-a"],
      [7, 10, "rater-c"],
      [11, 14, "rater-b"],
    ]);
    expect(candidateSpans(withCheckedSpans(prompt(null)), 2)).toEqual([]);
    expect(() => withCheckedSpans(prompt([[{ ...late, text: "later" }], [], []]))).toThrow(
      "prompt p, candidate 1 (m0): the span at 11–14 does not quote the completion's text there (was the completion changed?)",
    );
  });

  it("writes the critiques rows: one per candidate with its aggregated rank and spans", () => {
    const dose = span(TEXTS[1]!, "500 mg", { severity: "critical", comment: "max 4 g/day" });
    const rows = rowsOf("critiques", prompt([[], [dose], []])) as PromptRows;
    expect(rows.rows.map(({ part, row }) => [part, row.prompt_id, row.prompt, row.model, row.completion, row.rank, row.spans])).toEqual([
      ["rows", "p", "Dose?", "m0", TEXTS[0], 1, []],
      ["rows", "p", "Dose?", "m1", TEXTS[1], 2, [dose]],
      ["rows", "p", "Dose?", "m2", TEXTS[2], 3, []],
    ]);
    expect((rows.rows[1]!.row.provenance as { completion_id: string; spans: RatedSpan[] }).spans).toEqual([dose]);
  });

  it("puts each pair's chosen and rejected spans in its provenance, and drops pairs whose chosen has a critical span when asked", () => {
    const critical = span(TEXTS[0]!, "5 g", { severity: "critical" });
    const minor = span(TEXTS[1]!, "500 mg", { severity: "minor" });
    const p = prompt([[critical], [minor], []]);
    const pairs = (r: PromptRows | string) =>
      (r as PromptRows).rows.map(({ row }) => {
        const v = row.provenance as { chosen_id: string; rejected_id: string; chosen_spans: RatedSpan[]; rejected_spans: RatedSpan[] };
        return [v.chosen_id, v.rejected_id, v.chosen_spans.length, v.rejected_spans.length];
      });
    expect(pairs(rowsOf("dpo", p))).toEqual([
      ["c0", "c1", 1, 1],
      ["c0", "c2", 1, 0],
      ["c1", "c2", 1, 0],
    ]);
    const kept = rowsOf("dpo", p, { excludeCriticalChosen: true }) as PromptRows;
    expect(pairs(kept)).toEqual([["c1", "c2", 1, 0]]);
    expect(kept.criticalChosenDropped).toBe(2);
    // A critical span on a rejected candidate keeps its pairs.
    expect(
      (
        rowsOf("dpo", prompt([[], [], [span(TEXTS[2]!, "pharmacist", { severity: "critical" })]]), {
          excludeCriticalChosen: true,
        }) as PromptRows
      ).criticalChosenDropped,
    ).toBe(0);
    // h4 with every pair dropped: no prefs row, and no sft or gen row either.
    const none = rowsOf("h4", prompt([[critical], [], []]), { excludeCriticalChosen: true, strategy: "best-worst" }) as PromptRows;
    expect([none.rows, none.criticalChosenDropped]).toEqual([[], 1]);
  });
});
