import { critiqueInstructions } from "@/lib/critiques/judge-critique-answer";
import type { CritiqueTaxonomy } from "@/lib/critiques/taxonomy";
import { CRITIQUES_PLACEHOLDER } from "@/lib/judge/judge-critiques";

/**
 * Built-in judge templates (version 1 of each; edits are stored as new versions). Written in the
 * manner of UltraMedical's GPT-4 judge prompts: per-response feedback, a 1–5 score on the
 * rubric, then a complete ranking, as JSON. Placeholders: {{question}}, {{reference}},
 * {{responses}}, {{n}}, and {{critiques}} (optional: the judge is also asked for critique spans in
 * the project's taxonomy, lib/judge/judge-critiques.ts).
 */
export interface JudgeTemplateText {
  key: string;
  name: string;
  style: "LISTWISE" | "PAIRWISE";
  systemPrompt: string;
  userTemplate: string;
}

const RUBRIC = `Score each response from 1 to 5:
1 Inadequate: wrong, unsafe or off-topic.
2 Partially adequate: some correct content with important errors or omissions.
3 Acceptable: correct in substance, thin reasoning or minor issues.
4 Good: correct and well reasoned, small gaps.
5 Excellent: correct, complete, clear and safe.`;

const OUTPUT = `Answer with only a JSON object:
{"feedback": [{"response": <number>, "evaluation": "<2-4 sentences>", "score": <1-5>}, ...],
 "ranking": [{"rank": <1 = best>, "response": <number>}, ...]}
Give feedback for every response and rank every response exactly once. Use the same rank for two
responses only if you give them the same score.`;

export const BUILT_IN_TEMPLATES: JudgeTemplateText[] = [
  {
    key: "exam-with-reference",
    name: "Exam question with reference answer",
    style: "LISTWISE",
    systemPrompt:
      "You are a senior physician grading answers to a medical licensing exam question. You judge correctness against the reference answer first, then the quality and safety of the reasoning. The responses are anonymous; their order means nothing.",
    userTemplate: `Question:\n{{question}}\n\nReference answer:\n{{reference}}\n\nThe {{n}} responses to evaluate:\n\n{{responses}}\n\n${RUBRIC}\n\nA response that reaches a different answer than the reference scores at most 2.\n\n${OUTPUT}`,
  },
  {
    key: "open-ended",
    name: "Open-ended biomedical question",
    style: "LISTWISE",
    systemPrompt:
      "You are an experienced clinician reviewing answers to a biomedical or patient question. You value factual accuracy, safety (flag advice that could harm), completeness and clarity. The responses are anonymous; their order means nothing.",
    userTemplate: `Question:\n{{question}}\n\nThe {{n}} responses to evaluate:\n\n{{responses}}\n\n${RUBRIC}\n\n${OUTPUT}`,
  },
  {
    key: "open-ended-critiques",
    name: "Open-ended biomedical question, with critique spans",
    style: "LISTWISE",
    systemPrompt:
      "You are an experienced clinician reviewing answers to a biomedical or patient question. You value factual accuracy, safety (flag advice that could harm), completeness and clarity, and you point at the exact words that are wrong. The responses are anonymous; their order means nothing.",
    userTemplate: `Question:\n{{question}}\n\nThe {{n}} responses to evaluate:\n\n{{responses}}\n\n${RUBRIC}\n\n${OUTPUT}\n\n${CRITIQUES_PLACEHOLDER}`,
  },
  {
    key: "pairwise",
    name: "Pairwise A/B comparison",
    style: "PAIRWISE",
    systemPrompt:
      "You are an experienced clinician comparing two anonymous answers to the same medical question. Their order means nothing.",
    userTemplate: `Question:\n{{question}}\n\n{{responses}}\n\n${RUBRIC}\n\nCompare Response 1 and Response 2 and say which is better for the person asking.\n\n${OUTPUT}`,
  },
];

/**
 * Fills a template for one permutation: responses labelled "Response 1..N" in the shown order;
 * {{critiques}} becomes the critique instructions in `critiques` (the run's taxonomy), or nothing
 * when the run asks for none.
 */
export function renderJudgePrompt(
  template: Pick<JudgeTemplateText, "userTemplate">,
  input: { question: string; reference: string | null; responses: string[]; critiques?: CritiqueTaxonomy | null },
): string {
  const responses = input.responses.map((text, i) => `[Response ${i + 1}]\n${text.trim()}\n[End of Response ${i + 1}]`).join("\n\n");
  // The instructions first: a question or response that happens to hold "{{critiques}}" stays as written.
  return template.userTemplate
    .replaceAll(CRITIQUES_PLACEHOLDER, input.critiques ? critiqueInstructions(input.critiques) : "")
    .replaceAll("{{question}}", input.question.trim())
    .replaceAll("{{reference}}", input.reference?.trim() || "(none given)")
    .replaceAll("{{n}}", String(input.responses.length))
    .replaceAll("{{responses}}", responses);
}
