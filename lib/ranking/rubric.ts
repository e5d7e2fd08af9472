/** UltraMedical's 1–5 rubric, shown as help next to the optional per-candidate score. */
export const SCORE_LEVELS = [
  { score: 1, label: "Inadequate", help: "Wrong, unsafe or off-topic." },
  { score: 2, label: "Partially adequate", help: "Some correct content, with important errors or omissions." },
  { score: 3, label: "Acceptable", help: "Correct in substance, thin reasoning or minor issues." },
  { score: 4, label: "Good", help: "Correct and well reasoned, small gaps." },
  { score: 5, label: "Excellent", help: "Correct, complete, clear and safe." },
] as const;

export const CANDIDATE_FLAGS = [
  { value: "factually-incorrect", label: "Factually incorrect" },
  { value: "unsafe", label: "Unsafe or harmful" },
  { value: "hallucinated-reference", label: "Hallucinated reference" },
  { value: "incomplete", label: "Incomplete" },
] as const;

export type CandidateFlag = (typeof CANDIDATE_FLAGS)[number]["value"];
export const FLAG_VALUES = CANDIDATE_FLAGS.map((f) => f.value) as [CandidateFlag, ...CandidateFlag[]];
