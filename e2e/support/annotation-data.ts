import { DEMO_MODELS } from "../../lib/demo/demo-candidates";

/** Prompts the annotation e2e tests rank: 8 candidates from models whose names must never reach a clinician. */
export const E2E_MODELS: string[] = [...DEMO_MODELS];

export const annotationPrompts = Array.from({ length: 6 }, (_, i) => ({
  id: `e2e-annotate-${i}`,
  prompt: `E2E annotation question ${i}: how is community-acquired pneumonia treated in an otherwise healthy adult?`,
  reference: "Amoxicillin, or doxycycline, or a macrolide where resistance is low.",
  source: "MedQA",
  type: "exam",
  completions: E2E_MODELS.map((model, j) => ({
    model,
    text: `**Candidate ${j}** for question ${i}.\n\n${"A long explanation of the antibiotic choice. ".repeat(20 + j * 5)}`,
  })),
}));

export const xssPrompt = {
  id: "e2e-xss-0",
  prompt: "E2E question with hostile candidates: what is the dose of paracetamol?",
  completions: [
    { model: "hostile-script", text: "Safe text A <script>window.__xss = 1</script>" },
    { model: "hostile-img", text: 'Safe text B <img src="x" onerror="window.__xss = 2">' },
    {
      model: "hostile-link",
      text: "Safe text C [click me](javascript:window.__xss=3) and [data link](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    },
    { model: "hostile-image", text: "Safe text D ![tracking pixel](http://127.0.0.1:9/pixel.png)" },
    {
      model: "hostile-raw-link",
      text: 'Safe text E <a href="javascript:window.__xss=5">raw link</a> <iframe src="http://127.0.0.1:9/frame"></iframe>',
    },
  ],
};

/** Candidates with Markdown (bold, lists, links, a table) and non-Latin text, for marking span critiques. */
export const critiquePrompts = [
  {
    id: "critique-0",
    prompt: "A 64-year-old man had an anterior STEMI treated with a stent. What secondary prevention do you start?",
    completions: [
      {
        model: "m0",
        text: "Start **aspirin 3 g** daily with ticagrelor. Add warfarin 50 mg for all patients.\n\n- Atorvastatin 80 mg\n- Ramipril",
      },
      {
        model: "m1",
        text: "Dual antiplatelet therapy for 12 months, a high-intensity statin, a beta blocker such as metoprolol, and an ACE inhibitor. See [ESC 2023](https://example.org/esc).",
      },
      { model: "m2", text: "阿司匹林 75 mg 每日一次。 Clopidogrel is optional. Smoking cessation and cardiac rehabilitation matter most." },
      { model: "m3", text: "| Drug | Dose |\n| --- | --- |\n| Aspirin | 75 mg |\n| Atorvastatin | 80 mg |\n\nReview in `6 weeks`." },
    ],
  },
];
