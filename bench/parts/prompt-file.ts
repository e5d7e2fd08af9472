import fs from "node:fs";

// N prompts × 8 completions of ~1.5 KB, as MedPref JSONL: the import benchmarks' input.
const WORDS =
  "patient presents with acute chest pain troponin elevated ECG shows ST depression management includes aspirin heparin beta blocker statin and early invasive strategy consider contraindications renal function bleeding risk".split(
    " ",
  );

const WORDS_THEN_SPACE = WORDS.map((w) => `${w} `);
const WORDS_THEN_STOP = WORDS.map((w) => `${w}.\n\n`);

/** The same text as appending word by word, joined once: 1.5 KB built from ~200 appends was most of writing the file. */
function text(seed: number, bytes: number): string {
  const words: string[] = [];
  let length = 0;
  let x = seed;
  while (length < bytes) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    const word = (x % 17 === 0 ? WORDS_THEN_STOP : WORDS_THEN_SPACE)[x % WORDS.length]!;
    words.push(word);
    length += word.length;
  }
  return words.join("");
}

export interface BenchPromptRecord {
  id: string;
  prompt: string;
  source: string;
  type: string;
  completions: { model: string; text: string }[];
}

/** The i-th record: the same text for the same i in every run. */
export function benchPromptRecord(i: number): BenchPromptRecord {
  return {
    id: `bench-${i}`,
    prompt: `Case ${i}: ${text(i, 400)}What is the next best step?`,
    source: ["MedQA", "PubMedQA", "MedMCQA", "ChatDoctor"][i % 4]!,
    type: ["exam", "literature", "open-ended"][i % 3]!,
    completions: Array.from({ length: 8 }, (_, j) => ({ model: `model-${j}`, text: text(i * 8 + j + 1, 1500) })),
  };
}

/** Writes N records as JSONL to `file`; returns its size in bytes. */
export async function writePromptFile(file: string, n: number): Promise<number> {
  const out = fs.createWriteStream(file);
  for (let i = 0; i < n; i++) {
    if (!out.write(JSON.stringify(benchPromptRecord(i)) + "\n")) await new Promise<void>((r) => out.once("drain", () => r()));
  }
  await new Promise<void>((r) => out.end(r));
  return fs.statSync(file).size;
}
