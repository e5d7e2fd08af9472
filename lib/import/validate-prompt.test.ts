import { describe, expect, it } from "vitest";
import { promptContentHash } from "@/lib/import/content-hash";
import { DEFAULT_IMPORT_LIMITS, type NormalizedPrompt } from "@/lib/import/types";
import { validateNormalizedPrompt } from "@/lib/import/validate-prompt";

const prompt = (over: Partial<NormalizedPrompt> = {}): NormalizedPrompt => ({
  externalId: null,
  messages: [{ role: "user", content: "Q?" }],
  referenceAnswer: null,
  source: null,
  promptType: null,
  tags: [],
  metadata: {},
  completions: [
    { model: "a", text: "x" },
    { model: "b", text: "y" },
  ],
  ...over,
});

describe("rules for every imported prompt", () => {
  it("accepts a prompt with 2 distinct non-empty candidates", () => {
    expect(validateNormalizedPrompt(prompt(), DEFAULT_IMPORT_LIMITS)).toEqual([]);
  });

  it("wants the conversation to end with a user turn", () => {
    const problems = validateNormalizedPrompt(
      prompt({
        messages: [
          { role: "user", content: "Q" },
          { role: "assistant", content: "A" },
        ],
      }),
      DEFAULT_IMPORT_LIMITS,
    );
    expect(problems).toEqual([{ field: "messages", reason: 'the conversation must end with a user turn (it ends with "assistant")' }]);
  });

  it("counts size in UTF-8 bytes, not characters", () => {
    const limits = { ...DEFAULT_IMPORT_LIMITS, maxFieldBytes: 10 };
    expect(
      validateNormalizedPrompt(
        prompt({
          completions: [
            { model: "a", text: "ééééé" },
            { model: "b", text: "y" },
          ],
        }),
        limits,
      ),
    ).toEqual([]);
    expect(
      validateNormalizedPrompt(
        prompt({
          completions: [
            { model: "a", text: "éééééé" },
            { model: "b", text: "y" },
          ],
        }),
        limits,
      )[0]?.field,
    ).toBe("completions[0].text");
  });
});

describe("prompt identity", () => {
  it("ignores whitespace at the ends of turns but not inside them", () => {
    expect(promptContentHash([{ role: "user", content: " Q? \n" }])).toBe(promptContentHash([{ role: "user", content: "Q?" }]));
    expect(promptContentHash([{ role: "user", content: "Q ?" }])).not.toBe(promptContentHash([{ role: "user", content: "Q?" }]));
  });
  it("depends on roles", () => {
    expect(promptContentHash([{ role: "system", content: "Q?" }])).not.toBe(promptContentHash([{ role: "user", content: "Q?" }]));
  });
});
