import { agreementReport } from "@/lib/agreement/agreement-report";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import type { ReportData, ReportPrompt } from "@/lib/agreement/report-data";
import { seededRandom, seededShuffle } from "@/lib/judge/seeded-random";
const rnd = seededRandom(1);
const models = ["gpt-4","llama-3","mixtral","qwen","a","b","c","d"];
const prompts: ReportPrompt[] = [];
for (let p = 0; p < 10000; p++) {
  const quality = models.map(() => rnd());
  const rankings = [];
  const mk = (noise: number) => fractionalRanks(quality.map((q) => -(q + noise * rnd())));
  for (let h = 0; h < 3; h++) rankings.push({ kind: "HUMAN" as const, raterId: `r${(p + h) % 12}`, runId: null, permutation: null, ranks: mk(0.5), shownPositions: Int16Array.from(seededShuffle([0,1,2,3,4,5,6,7], rnd)), scores: [], timeOnTaskMs: 60000, flagged: false, createdAt: 0 });
  for (let k = 0; k < 2; k++) rankings.push({ kind: "JUDGE" as const, raterId: null, runId: "run1", permutation: k, ranks: mk(0.3), shownPositions: Int16Array.from(seededShuffle([0,1,2,3,4,5,6,7], rnd)), scores: [], timeOnTaskMs: null, flagged: false, createdAt: 0 });
  prompts.push({ id: `p${String(p).padStart(6, "0")}`, preview: "", source: ["MedQA","PubMedQA","MedMCQA"][p % 3]!, promptType: ["exam","open"][p % 2]!, models, lengths: models.map(() => Math.floor(rnd() * 2000)), rankings });
}
const data: ReportData = { prompts, raters: new Map(), runs: new Map([["run1", { id: "run1", name: "judge", model: "gpt-4o", createdAt: 0 }]]) };
let t = performance.now();
const r = agreementReport(data);
console.log("report ms", performance.now() - t);
import { agreementFigures } from "@/lib/agreement/agreement-figures";
import { humanRatedPrompts } from "@/lib/agreement/rating-views";
import { compareModels } from "@/lib/agreement/model-strengths";
import { annotatorQuality } from "@/lib/agreement/annotator-quality";
import { biasSeries } from "@/lib/agreement/rating-bias";
const time = (label: string, f: () => unknown) => { const t = performance.now(); f(); console.log(label, Math.round(performance.now() - t)); };
time("hh1000", () => agreementFigures(humanRatedPrompts(prompts), { resamples: 1000 }));
time("models", () => compareModels(prompts.map((p) => ({ models: p.models, rankings: p.rankings.filter(r=>r.kind==="HUMAN").map((r) => r.ranks) }))));
time("annot", () => annotatorQuality(prompts, new Map()));
time("bias", () => biasSeries(prompts, [...data.runs.values()]));
