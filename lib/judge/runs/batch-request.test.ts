import { describe, expect, it } from "vitest";
import { BUILT_IN_TEMPLATES } from "@/lib/judge/templates";
import { batchLine, batchRequest, freshRequestLines, type BatchRequestPrompt, type BatchRequestRun } from "@/lib/judge/runs/batch-request";

const template = BUILT_IN_TEMPLATES.find((t) => t.key === "exam-with-reference")!;
const run = (over: Partial<BatchRequestRun> = {}): BatchRequestRun => ({
  model: "judge-model",
  temperature: 0.2,
  permutations: 2,
  seed: 7,
  supportsStructuredOutput: true,
  systemPrompt: template.systemPrompt,
  userTemplate: template.userTemplate,
  ...over,
});
const prompt = (texts: string[], over: Partial<BatchRequestPrompt> = {}): BatchRequestPrompt => ({
  promptId: "5b0c7d1e-4f6a-4c39-9d6b-1f2e3a4b5c6d",
  messages: [
    { role: "system", content: "ignored" },
    { role: "user", content: "  A 54-year-old man with chest pain: \"which test first?\"\n" },
    { role: "user", content: "Follow-up: and then?" },
  ],
  referenceAnswer: "ECG within 10 minutes.",
  completions: texts.map((text, i) => ({ id: `00000000-0000-4000-8000-00000000000${i}`, text })),
  ...over,
});

/** What the one-by-one rendering writes for each unit: the line and its newline, in UTF-8. */
const oneByOne = (r: BatchRequestRun, p: BatchRequestPrompt, units: number[]) =>
  units.map((unit) => {
    const { order, request } = batchRequest(r, p, unit, []);
    return { unit, order, bytes: Buffer.from(`${batchLine(p.promptId, unit, request)}\n`, "utf8") };
  });

const TEXTS = [
  "  Order an ECG.\n\nThen troponin.  ",
  'Quotes "like this", a backslash \\ and a tab\there.',
  "Unicode: 37 °C, µg/kg, naïve, 心电图, emoji 🫀 and a line\r\nbreak.",
  "Braces {{question}} and {{responses}} in a candidate are text, not placeholders.",
  "A dollar alone: $5 per dose.",
  "\u2028 line and paragraph \u2029 separators; a control \u0007 character.",
  "Short.",
  "",
];

describe("a prompt's Batch lines joined from pieces encoded once", () => {
  it("are byte for byte the lines rendered one by one, for every unit, with and without Structured Outputs and a reference", () => {
    for (const r of [run(), run({ supportsStructuredOutput: false, temperature: 0, permutations: 3 })])
      for (const p of [prompt(TEXTS), prompt(TEXTS.slice(0, 3), { referenceAnswer: null })]) {
        const units = Array.from({ length: r.permutations }, (_, u) => u);
        const joined = freshRequestLines(r, p, units);
        expect(joined).not.toBeNull();
        expect(joined!.map((l) => ({ ...l, bytes: l.bytes.toString("utf8") }))).toEqual(
          oneByOne(r, p, units).map((l) => ({ ...l, bytes: l.bytes.toString("utf8") })),
        );
        expect(Buffer.concat(joined!.map((l) => l.bytes)).equals(Buffer.concat(oneByOne(r, p, units).map((l) => l.bytes)))).toBe(true);
      }
  });

  it("follow a template that shows the responses twice, or not at all", () => {
    for (const userTemplate of ["{{responses}}\n---\n{{question}} ({{n}})\n{{responses}}", "Only {{question}}; {{reference}}."]) {
      const r = run({ userTemplate });
      const p = prompt(TEXTS.slice(0, 4));
      expect(freshRequestLines(r, p, [1, 0])).toEqual(oneByOne(r, p, [1, 0]));
    }
  });

  it("are left to the one-by-one rendering when a candidate holds a replacement pattern or a piece would split a surrogate pair", () => {
    expect(freshRequestLines(run(), prompt(["Costs $& more", "b"]), [0])).toBeNull();
    expect(freshRequestLines(run(), prompt(["ends in half a pair \ud83e", "b"]), [0])).toBeNull();
    expect(freshRequestLines(run(), prompt(["\udd2b starts in the other half", "b"]), [0])).toBeNull();
    expect(freshRequestLines(run({ systemPrompt: "a marker \u0002 in the system prompt" }), prompt(["a", "b"]), [0])).toBeNull();
  });
});
