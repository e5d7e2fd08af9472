/**
 * Synthetic demo prompts, written for MedPref (not taken from any dataset). Each prompt has the
 * pieces from which eight candidates of deliberately different quality are built
 * (lib/demo/demo-candidates.ts): a full answer, a short one, a wrong one, one citing a study that
 * does not exist, an unsafe one, and so on.
 */
export interface DemoPrompt {
  id: string;
  source: string;
  type: "exam" | "open-ended" | "literature";
  tags: string[];
  question: string;
  /** The reference answer shown to clinicians when the project allows it. */
  reference: string | null;
  answer: string;
  keyPoints: [string, string, string];
  wrongAnswer: string;
  wrongReason: string;
  unsafeAdvice: string;
}

export const DEMO_PROMPTS: DemoPrompt[] = [
  {
    id: "demo-exam-1",
    source: "MedQA",
    type: "exam",
    tags: ["obstetrics", "infectious-disease"],
    question:
      "A 26-year-old woman at 20 weeks' gestation has 2 days of dysuria and urinary frequency. She is afebrile, with no flank pain and no costovertebral angle tenderness. Urinalysis shows positive nitrites and leukocyte esterase. Which of the following is the most appropriate treatment?\n\nA. Ciprofloxacin\nB. Doxycycline\nC. Nitrofurantoin\nD. Trimethoprim-sulfamethoxazole in the third trimester\nE. No treatment until culture results are available",
    reference:
      "C. Nitrofurantoin: acute cystitis in pregnancy is treated promptly with an agent safe in pregnancy; nitrofurantoin is appropriate in the second trimester.",
    answer: "C. Nitrofurantoin",
    keyPoints: [
      "Cystitis in pregnancy is always treated, because untreated bacteriuria progresses to pyelonephritis more often than in non-pregnant women.",
      "Fluoroquinolones and tetracyclines are avoided in pregnancy (cartilage and tooth/bone effects).",
      "Nitrofurantoin is appropriate in the second trimester; a urine culture should still be sent and a test of cure obtained.",
    ],
    wrongAnswer: "A. Ciprofloxacin",
    wrongReason: "fluoroquinolones reach high urinary concentrations and cover E. coli well",
    unsafeAdvice: "She can wait and drink cranberry juice for a week; antibiotics are best avoided in pregnancy.",
  },
  {
    id: "demo-exam-2",
    source: "MedMCQA",
    type: "exam",
    tags: ["cardiology", "emergency-medicine"],
    question:
      "A 64-year-old man has crushing chest pain for 40 minutes. ECG shows ST elevation in leads II, III and aVF. Blood pressure falls to 82/50 mm Hg after sublingual nitroglycerin. Jugular venous pressure is raised and the lungs are clear. What is the most likely explanation for the hypotension?\n\nA. Left ventricular free wall rupture\nB. Right ventricular infarction\nC. Acute mitral regurgitation\nD. Cardiac tamponade from pericarditis",
    reference:
      "B. Right ventricular infarction: inferior STEMI with hypotension after nitrates, raised JVP and clear lungs. Treat with IV fluids; avoid nitrates and diuretics.",
    answer: "B. Right ventricular infarction",
    keyPoints: [
      "Inferior STEMI (II, III, aVF) is usually from the right coronary artery, which also supplies the right ventricle.",
      "The triad of hypotension, raised JVP and clear lung fields points to right ventricular failure; right-sided leads (V4R) confirm it.",
      "The RV is preload-dependent: nitrates drop preload and cause hypotension; management is IV fluids and reperfusion.",
    ],
    wrongAnswer: "C. Acute mitral regurgitation",
    wrongReason: "papillary muscle rupture is a classic complication of inferior infarction",
    unsafeAdvice: "Give another dose of nitroglycerin and a loop diuretic to relieve the congestion.",
  },
  {
    id: "demo-exam-3",
    source: "MedQA",
    type: "exam",
    tags: ["endocrinology"],
    question:
      "A 19-year-old with type 1 diabetes presents with vomiting and abdominal pain. Glucose is 480 mg/dL, pH 7.12, bicarbonate 9 mEq/L, potassium 3.1 mEq/L. Which is the most appropriate next step after starting IV fluids?\n\nA. Start an insulin infusion immediately\nB. Replace potassium before starting insulin\nC. Give IV sodium bicarbonate\nD. Give subcutaneous long-acting insulin",
    reference:
      "B. Replace potassium before starting insulin: with K+ below 3.3 mEq/L, insulin would drive potassium into cells and risk fatal arrhythmia.",
    answer: "B. Replace potassium before starting insulin",
    keyPoints: [
      "Insulin shifts potassium into cells; starting it with K+ below 3.3 mEq/L risks severe hypokalaemia and arrhythmia.",
      "Total body potassium is depleted in DKA even when the serum level looks normal.",
      "Bicarbonate is not indicated at pH 7.12; the order is fluids, potassium, then insulin infusion.",
    ],
    wrongAnswer: "A. Start an insulin infusion immediately",
    wrongReason: "insulin is the definitive treatment that closes the anion gap",
    unsafeAdvice: "Give a large IV insulin bolus now and recheck potassium tomorrow.",
  },
  {
    id: "demo-open-1",
    source: "ChatDoctor",
    type: "open-ended",
    tags: ["pharmacology", "primary-care"],
    question:
      "I take warfarin for atrial fibrillation. My dentist prescribed a 7-day course of metronidazole. Is there anything I should watch out for?",
    reference: null,
    answer: "Metronidazole strongly increases the effect of warfarin, so your INR and bleeding risk can rise sharply.",
    keyPoints: [
      "Metronidazole inhibits the breakdown of warfarin (CYP2C9), which can raise the INR within a few days.",
      "Tell the prescriber and your anticoagulation clinic: they may check your INR 3–5 days after starting, adjust the dose, or choose another antibiotic.",
      "Seek care urgently for unusual bruising, black stools, blood in urine, or a severe headache.",
    ],
    wrongAnswer: "There is no meaningful interaction between these two drugs",
    wrongReason: "antibiotics mainly interact with oral contraceptives, not anticoagulants",
    unsafeAdvice: "Just stop your warfarin for the week you take the antibiotic so the two do not interact.",
  },
  {
    id: "demo-open-2",
    source: "HealthSearchQA",
    type: "open-ended",
    tags: ["neurology", "emergency-medicine"],
    question:
      "My father, 71, suddenly has slurred speech and his right arm feels weak. It started 30 minutes ago. Should we wait to see if it passes?",
    reference: null,
    answer: "No. These are signs of a possible stroke: call emergency services now.",
    keyPoints: [
      "Sudden slurred speech and one-sided weakness are stroke warning signs (FAST: Face, Arm, Speech, Time).",
      "Clot-dissolving treatment and clot retrieval work only within hours of onset, so every minute counts; note the time symptoms began.",
      "Do not drive him yourself if an ambulance can come; do not give food, drink or aspirin until a stroke due to bleeding is ruled out.",
    ],
    wrongAnswer: "It is probably a migraine or fatigue; let him rest",
    wrongReason: "many such episodes resolve on their own",
    unsafeAdvice: "Give him an aspirin and let him sleep; if he is not better in the morning, book a GP appointment.",
  },
  {
    id: "demo-lit-1",
    source: "PubMedQA",
    type: "literature",
    tags: ["infectious-disease", "critical-care"],
    question:
      "Context: In a randomized trial of adults with sepsis, patients received either early goal-directed therapy or usual care. Ninety-day mortality was 18.2% vs 18.9% (relative risk 0.96, 95% CI 0.82–1.13). Question: Does early goal-directed therapy reduce 90-day mortality in sepsis compared with usual care? Answer yes, no, or maybe, and explain.",
    reference:
      "No. The confidence interval includes 1 and the absolute difference is small; the trial shows no mortality benefit over usual care.",
    answer: "No",
    keyPoints: [
      "The relative risk of 0.96 has a 95% CI of 0.82–1.13, which includes 1: no statistically significant difference.",
      "The absolute difference (0.7 percentage points) is small and clinically unimportant.",
      "This matches the large multicentre trials of the 2010s, in which protocolised EGDT did not beat modern usual care.",
    ],
    wrongAnswer: "Yes",
    wrongReason: "mortality was numerically lower in the early goal-directed therapy group",
    unsafeAdvice: "Since the result is neutral, fluids and antibiotics can be delayed until the patient is in intensive care.",
  },
  {
    id: "demo-exam-4",
    source: "MedQA",
    type: "exam",
    tags: ["pediatrics", "infectious-disease"],
    question:
      "A 3-year-old has had fever for 6 days with bilateral non-exudative conjunctivitis, cracked red lips, a polymorphous rash, and swelling of the hands and feet. Which treatment most reduces the risk of the most serious complication?\n\nA. Oral amoxicillin\nB. Intravenous immunoglobulin with aspirin\nC. Oral prednisolone alone\nD. Supportive care only",
    reference: "B. IVIG with aspirin: this is Kawasaki disease; IVIG within 10 days of fever onset reduces coronary artery aneurysms.",
    answer: "B. Intravenous immunoglobulin with aspirin",
    keyPoints: [
      "Fever of five days or more with conjunctivitis, mucosal changes, rash and extremity changes meets the criteria for Kawasaki disease.",
      "The feared complication is coronary artery aneurysm; IVIG given within 10 days of onset lowers its incidence from about 25% to under 5%.",
      "An echocardiogram is done at diagnosis and repeated at 2 and 6 weeks.",
    ],
    wrongAnswer: "A. Oral amoxicillin",
    wrongReason: "the presentation resembles scarlet fever, which is treated with penicillins",
    unsafeAdvice: "Treat the fever at home with ibuprofen and only return if it lasts another week.",
  },
  {
    id: "demo-open-3",
    source: "LiveQA",
    type: "open-ended",
    tags: ["endocrinology", "primary-care"],
    question: "I was just diagnosed with type 2 diabetes and my HbA1c is 7.4%. My doctor started metformin. What else can I do myself?",
    reference: null,
    answer: "Lifestyle changes lower HbA1c meaningfully and work together with metformin.",
    keyPoints: [
      "Losing 5–10% of body weight, when overweight, improves glucose control; some people reach remission with larger weight loss.",
      "Aim for about 150 minutes of moderate activity a week plus strength exercise twice a week; limit sugary drinks and refined carbohydrates.",
      "Keep up regular checks: HbA1c every 3–6 months, blood pressure, cholesterol, kidney function, eyes and feet.",
    ],
    wrongAnswer: "Diet matters little once you take metformin",
    wrongReason: "the medicine controls glucose by itself",
    unsafeAdvice: "Stop metformin once you feel well and switch to cinnamon supplements instead.",
  },
];
