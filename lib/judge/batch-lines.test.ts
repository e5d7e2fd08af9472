import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { FastBatchLines, type FastLinePrompt, type FastLineRun } from "@/lib/judge/batch-lines";
import { batchLine, batchRequest } from "@/lib/judge/runs/batch-request";
import { BUILT_IN_TEMPLATES } from "@/lib/judge/templates";

interface Example {
  id: string;
  conversations: { from: string; value: string }[];
  answer: string;
}
const examples = JSON.parse(
  fs.readFileSync(path.resolve(import.meta.dirname, "../../../shared/fixtures/ultramedical/examples.json"), "utf8"),
) as Example[];

const ids = Array.from({ length: 8 }, (_, i) => `00000000-0000-4000-8000-00000000000${i}`);

/** A prompt of the fixture's question `i` whose 8 candidates are the next examples' questions and answers (real medical text). */
function fixturePrompt(i: number): FastLinePrompt {
  const e = examples[i % examples.length]!;
  return {
    promptId: `11111111-1111-4111-8111-${String(i).padStart(12, "0")}`,
    messages: e.conversations.map((c) => ({ role: c.from === "human" ? "user" : "assistant", content: c.value })),
    referenceAnswer: i % 2 === 0 ? e.answer : null,
    completions: ids.map((id, j) => {
      const other = examples[(i + j + 1) % examples.length]!;
      return { id, text: `${other.answer}\n\n${other.conversations[0]!.value}` };
    }),
  };
}

const runOf = (over: Partial<FastLineRun> = {}): FastLineRun => ({
  model: "gpt-4o-2024-08-06",
  temperature: 0.2,
  permutations: 2,
  seed: 42,
  supportsStructuredOutput: true,
  systemPrompt: BUILT_IN_TEMPLATES[0]!.systemPrompt,
  userTemplate: BUILT_IN_TEMPLATES[0]!.userTemplate,
  ...over,
});

/** What submission wrote before (and callRequest renders again and checks by hash). */
const generalLine = (run: FastLineRun, prompt: FastLinePrompt, unit: number) => {
  const { order, request } = batchRequest(run, prompt, unit, []);
  return { unit, order, line: batchLine(prompt.promptId, unit, request) };
};

describe("FastBatchLines", () => {
  it("writes byte for byte the lines of the general renderer for the fixture's prompts, every template, P and output mode", () => {
    let compared = 0;
    for (const template of BUILT_IN_TEMPLATES)
      for (const permutations of [1, 2, 3])
        for (const supportsStructuredOutput of [true, false]) {
          const run = runOf({
            userTemplate: template.userTemplate,
            systemPrompt: template.systemPrompt,
            permutations,
            supportsStructuredOutput,
          });
          const fast = new FastBatchLines(run);
          for (let i = 0; i < examples.length; i++) {
            const prompt = fixturePrompt(i);
            const units = Array.from({ length: permutations }, (_, u) => u);
            const lines = fast.linesOf(prompt, units);
            expect(lines).toEqual(units.map((u) => generalLine(run, prompt, u)));
            compared += units.length;
          }
        }
    expect(compared).toBe(3 * (1 + 2 + 3) * 2 * examples.length);
  });

  it("escapes quotes, backslashes, control characters, non-Latin text and emoji, and placeholders inside texts, as JSON.stringify does", () => {
    const texts = [
      'He said "stop"\\ then\ttabbed\r\nand \u0000 \u001f \u2028 \u2029',
      "Température 37,3 °C — 发热 — حمى 🤒🩺",
      "  padded with spaces and a {{question}} and {{n}} and {{responses}} inside  ",
      "\n\nleading newlines\n\n",
      "</script><b>not markup</b> & ' `back`",
      "plain",
      "",
      "ends with a backslash \\",
    ];
    const prompt: FastLinePrompt = {
      promptId: "22222222-2222-4222-8222-222222222222",
      messages: [
        { role: "system", content: "ignored" },
        { role: "user", content: "  A question with {{reference}} and $& and $1 in it  " },
        { role: "assistant", content: "an earlier turn" },
        { role: "user", content: "a follow-up {{responses}}" },
      ],
      referenceAnswer: "  ref {{n}} $$  ",
      completions: ids.map((id, j) => ({ id, text: texts[j]! })),
    };
    for (const template of BUILT_IN_TEMPLATES) {
      const run = runOf({ userTemplate: template.userTemplate, permutations: 3, model: 'a "model" \\ name', temperature: 1 });
      expect(new FastBatchLines(run).linesOf(prompt, [2, 0])).toEqual([generalLine(run, prompt, 2), generalLine(run, prompt, 0)]);
    }
  });

  it("leaves a prompt whose candidate holds a $ (a replacement pattern for String.replaceAll) to the general renderer", () => {
    const prompt = fixturePrompt(3);
    prompt.completions[5] = { id: ids[5]!, text: "costs $& about $$5" };
    expect(new FastBatchLines(runOf()).linesOf(prompt, [0, 1])).toBeNull();
  });
});
