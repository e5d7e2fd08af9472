import { describe, expect, it } from "vitest";
import { DEFAULT_TAXONOMY } from "@/lib/critiques/taxonomy";
import { judgeAnswerJsonSchema } from "@/lib/judge/judge-answer";
import { asksForCritiques, judgeCritiquesOf, judgeResponseFormat, runCritiqueTaxonomy } from "@/lib/judge/judge-critiques";
import { BUILT_IN_TEMPLATES, renderJudgePrompt } from "@/lib/judge/templates";

const custom = { tags: [{ key: "other", label: "Other", colour: "slate" as const, marker: "?" }] };

describe("a judge template asking for critique spans", () => {
  const critic = BUILT_IN_TEMPLATES.find((t) => t.key === "open-ended-critiques")!;

  it("is the only built-in one that asks, through the {{critiques}} placeholder", () => {
    expect(BUILT_IN_TEMPLATES.filter((t) => asksForCritiques(t.userTemplate)).map((t) => t.key)).toEqual(["open-ended-critiques"]);
  });

  it("gets the run's taxonomy as instructions, or nothing when the run asks for none", () => {
    const input = { question: "Fever?", reference: null, responses: ["a", "b"] };
    const asked = renderJudgePrompt(critic, { ...input, critiques: DEFAULT_TAXONOMY });
    expect(asked).toContain('Also add to the JSON object a "critiques" list');
    expect(asked).toContain("- wrong-dose: Wrong dose or unit");
    expect(
      asked.endsWith(
        "Severities: minor (imprecise or unclear, unlikely to mislead), major (wrong or missing in a way that misleads), critical (could harm a patient if followed).",
      ),
    ).toBe(true);
    const unasked = renderJudgePrompt(critic, input);
    expect(unasked).not.toContain("critiques");
    expect(unasked).not.toContain("{{");
  });

  it("keeps a question that holds the placeholder as written", () => {
    const open = BUILT_IN_TEMPLATES.find((t) => t.key === "open-ended")!;
    expect(
      renderJudgePrompt(open, { question: "What is {{critiques}}?", reference: null, responses: ["a"], critiques: DEFAULT_TAXONOMY }),
    ).toContain("What is {{critiques}}?");
  });
});

describe("the Structured Outputs format", () => {
  it("is the ranking's schema alone without critiques", () => {
    expect(judgeResponseFormat(3, null)).toEqual({ type: "json_schema", json_schema: judgeAnswerJsonSchema(3) });
  });

  it("adds the critiques list, its tags limited to the run's taxonomy and its responses to 1..n", () => {
    const { json_schema } = judgeResponseFormat(3, custom);
    expect(json_schema.schema.required).toEqual(["feedback", "ranking", "critiques"]);
    const item = (json_schema.schema.properties as unknown as { critiques: { items: { properties: Record<string, unknown> } } }).critiques
      .items;
    expect(item.properties.tag).toEqual({ type: "string", enum: ["other"] });
    expect(item.properties.response).toEqual({ type: "integer", minimum: 1, maximum: 3 });
    expect(Object.keys(json_schema.schema.properties)).toEqual(["feedback", "ranking", "critiques"]);
  });
});

describe("a run's critique taxonomy", () => {
  it("is none without a version, the default for version 0 (no tags stored), else the stored tags", () => {
    expect(runCritiqueTaxonomy(null, null)).toBeNull();
    expect(runCritiqueTaxonomy(0, null)).toEqual({ version: 0, taxonomy: DEFAULT_TAXONOMY });
    expect(runCritiqueTaxonomy(2, custom.tags)).toEqual({ version: 2, taxonomy: custom });
  });
});

describe("a judge answer's critiques", () => {
  // Shown order: Response 1 is completion "c-b", Response 2 is "c-a".
  const order = ["c-b", "c-a"];
  const texts = ["Take 🩺 aspirin 81 mg daily.", "Give 50 mg of warfarin daily."];

  it("become spans of the completions the responses were, in shown order, and the unmatched quotes are kept with their completion", () => {
    const content = JSON.stringify({
      ranking: [],
      critiques: [
        { response: 2, quote: "50 mg", tag: "wrong-dose", severity: "critical", comment: "5 mg." },
        { response: 1, quote: "aspirin", tag: "contraindication", severity: "major", comment: "Bleeding." },
        { response: 1, quote: "Nobody wrote this sentence anywhere at all.", tag: "other", severity: "minor", comment: "" },
      ],
    });
    expect(judgeCritiquesOf(content, order, texts, { version: 3, taxonomy: DEFAULT_TAXONOMY })).toEqual({
      taxonomyVersion: 3,
      spans: [
        {
          completionId: "c-b",
          start: 7,
          end: 14,
          text: "aspirin",
          tag: "contraindication",
          severity: "major",
          comment: "Bleeding.",
          correction: "",
        },
        {
          completionId: "c-a",
          start: 5,
          end: 10,
          text: "50 mg",
          tag: "wrong-dose",
          severity: "critical",
          comment: "5 mg.",
          correction: "",
        },
      ],
      matches: { exact: 2, normalized: 0, fuzzy: 0, unmatched: 1 },
      unmatched: [
        { completionId: "c-b", quote: "Nobody wrote this sentence anywhere at all.", tag: "other", severity: "minor", comment: "" },
      ],
    });
  });

  it("are none, and count nothing, when the answer has no critiques list", () => {
    expect(judgeCritiquesOf(JSON.stringify({ ranking: [] }), order, texts, { version: 0, taxonomy: DEFAULT_TAXONOMY })).toEqual({
      taxonomyVersion: 0,
      spans: [],
      matches: { exact: 0, normalized: 0, fuzzy: 0, unmatched: 0 },
      unmatched: [],
    });
  });
});
