import { describe, expect, it } from "vitest";
import { detectFormat, normalizers } from "@/lib/import/formats";

describe("format detection", () => {
  it("tells the three formats apart from one record", () => {
    expect(detectFormat({ id: "medqa,1", conversations: [], model_outputs: [] })).toBe("ultramedical");
    expect(detectFormat({ instruction: "x", completions: [] })).toBe("ultrafeedback");
    expect(detectFormat({ prompt: "x", completions: [] })).toBe("jsonl");
    expect(detectFormat({ messages: [], completions: [] })).toBe("jsonl");
    expect(detectFormat({ question: "x" })).toBeUndefined();
    expect(detectFormat([1, 2])).toBeUndefined();
  });
});

describe("UltraMedical records", () => {
  const raw = {
    id: "pubmedqa,17",
    type: "Literature",
    conversations: [
      { from: "human", value: "Does X cause Y?" },
      { from: "gpt", value: "Yes." },
    ],
    answer: "yes",
    model_outputs: [{ "gpt-4": "  Yes, because...  " }, { "Llama-3-8B": "No." }],
  };

  it("maps turns to roles, takes the final gpt turn as the reference and the id prefix as the source", () => {
    const r = normalizers.ultramedical(raw);
    expect(r.ok && r.prompt).toMatchObject({
      externalId: "pubmedqa,17",
      messages: [{ role: "user", content: "Does X cause Y?" }],
      referenceAnswer: "Yes.",
      source: "PubMedQA",
      promptType: "literature",
      completions: [
        { model: "gpt-4", text: "Yes, because..." },
        { model: "Llama-3-8B", text: "No." },
      ],
    });
  });

  it("keeps the answer and the original type as metadata", () => {
    const r = normalizers.ultramedical(raw);
    expect(r.ok && r.prompt.metadata).toEqual({ answer: "yes", originalType: "Literature" });
  });

  it("refuses an entry of model_outputs holding two models", () => {
    const r = normalizers.ultramedical({ ...raw, model_outputs: [{ a: "x", b: "y" }] });
    expect(r).toEqual({ ok: false, problems: [{ field: "model_outputs[0]", reason: expect.stringContaining("single") }] });
  });
});

describe("MedPref records", () => {
  it("refuses both prompt and messages at once", () => {
    const r = normalizers.jsonl({ prompt: "a", messages: [{ role: "user", content: "a" }], completions: [] });
    expect(r.ok).toBe(false);
    expect(!r.ok && r.problems[0]?.reason).toMatch(/either `prompt` or `messages`/);
  });

  it("refuses an unknown role", () => {
    const r = normalizers.jsonl({ messages: [{ role: "doctor", content: "a" }], completions: [] });
    expect(!r.ok && r.problems).toEqual([{ field: "messages[0].role", reason: 'must be "system", "user" or "assistant"' }]);
  });
});
