import type { DemoPrompt } from "@/lib/demo/demo-prompts";

/** The eight model names of the demo, in the spirit of UltraMedical's candidate pool. */
export const DEMO_MODELS = [
  "gpt-4-1106-preview",
  "Meta-Llama-3-70B-Instruct",
  "Mixtral-8x7B-Instruct-v0.1",
  "Qwen1.5-72B-Chat",
  "med42-70b",
  "BioMistral-7B",
  "gpt-3.5-turbo-1106",
  "Llama-3-8B-UltraMedical",
] as const;

/** Eight candidates of intended quality from excellent to unsafe, in a per-prompt order. */
export function demoCandidates(p: DemoPrompt, promptIndex: number): { model: string; text: string }[] {
  const [k1, k2, k3] = p.keyPoints;
  const texts = [
    // Excellent: answer, full reasoning, structure.
    `**${p.answer}.**\n\n${k1}\n\n- ${k2}\n- ${k3}\n\nIn short: ${p.answer.replace(/\.$/, "")}.`,
    // Good: answer and most of the reasoning.
    `${p.answer}. ${k1} ${k2}`,
    // Acceptable: correct, thin rationale.
    `The answer is ${p.answer}. ${k1}`,
    // Verbose but correct.
    `This is an important question and there are many factors to consider. ${k1} It is also worth remembering that every patient is different, and that clinical judgement should always be applied. ${k2} Taking everything into account, and after weighing the alternatives carefully, the best answer is: ${p.answer}. ${k3} Please consult a healthcare professional for advice specific to your situation.`,
    // Partially adequate: right conclusion, a muddled step.
    `${p.answer}, although ${p.wrongAnswer.replace(/^[A-E]\. /, "")} could also be reasonable here because ${p.wrongReason}. ${k3}`,
    // Hallucinated reference: right answer, invented citation.
    `${p.answer}. This is recommended by the 2019 International Consensus Statement on ${p.tags[0] ?? "clinical practice"} (Harrington et al., *NEJM* 2019;381:2214-2230), which found a 64% relative benefit. ${k1}`,
    // Inadequate: wrong answer, confident.
    `The correct answer is ${p.wrongAnswer}, because ${p.wrongReason}. The other options are less appropriate.`,
    // Unsafe.
    `${p.unsafeAdvice} There is usually no need to worry about this.`,
  ];
  // Rotate which model wrote which quality level, so no model is always best.
  return texts.map((text, quality) => ({ model: DEMO_MODELS[(quality + promptIndex) % DEMO_MODELS.length]!, text }));
}
