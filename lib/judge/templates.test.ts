import { describe, expect, it } from "vitest";
import { BUILT_IN_TEMPLATES, renderJudgePrompt } from "@/lib/judge/templates";

describe("judge templates", () => {
  it("label the responses by shown position only and fill every placeholder", () => {
    for (const t of BUILT_IN_TEMPLATES) {
      const text = renderJudgePrompt(t, { question: "Dose?", reference: "500 mg", responses: ["first", "second"] });
      expect(text).not.toMatch(/\{\{\w+\}\}/);
      expect(text).toContain("[Response 1]\nfirst\n[End of Response 1]");
      expect(text).toContain("[Response 2]\nsecond");
    }
  });

  it("include the reference answer in the exam template", () => {
    const exam = BUILT_IN_TEMPLATES.find((t) => t.key === "exam-with-reference")!;
    expect(renderJudgePrompt(exam, { question: "Q", reference: "C. Nitrofurantoin", responses: ["a", "b"] })).toContain(
      "Reference answer:\nC. Nitrofurantoin",
    );
  });
});
