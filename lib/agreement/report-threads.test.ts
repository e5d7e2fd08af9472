import { describe, expect, it } from "vitest";
import { agreementReport } from "@/lib/agreement/agreement-report";
import { fractionalRanks } from "@/lib/agreement/fractional-ranks";
import { reportColumns, type ReportData, type ReportPrompt } from "@/lib/agreement/report-data";
import { ReportWorker } from "@/lib/agreement/report-threads";
import { seededRandom } from "@/lib/core/seeded-random";

const MODELS = ["gpt-4", "llama-3-70b", "mixtral-8x7b", "qwen-72b", "gpt-3.5"];

/** Three clinicians and a judge run with two permutations over 5 candidates, a gold ranking now and then. */
function projectData(prompts: number): ReportData {
  const random = seededRandom("report-threads");
  const ranks = () => fractionalRanks(MODELS.map(() => 1 + Math.floor(random() * MODELS.length)));
  const shown = () => Int16Array.from(MODELS.map((_, i) => i));
  const base = { fromAssignment: true, shownPositions: shown(), timeOnTaskMs: 30_000, flagged: false, permutation: null, runId: null };
  const rows: ReportPrompt[] = Array.from({ length: prompts }, (_, p) => ({
    id: `q${String(p).padStart(4, "0")}`,
    preview: `Question ${p}`,
    source: p % 3 ? "MedQA" : "PubMedQA",
    promptType: p % 2 ? "exam" : null,
    models: MODELS,
    lengths: MODELS.map((_, i) => 100 * (i + 1) + p),
    rankings: [
      ...["a", "b", "c"].map((rater) => ({ ...base, kind: "HUMAN" as const, raterId: rater, ranks: ranks() })),
      ...(p % 5 === 0 ? [{ ...base, kind: "GOLD" as const, raterId: "a", ranks: ranks() }] : []),
      ...[0, 1].map((permutation) => ({ ...base, kind: "JUDGE" as const, raterId: null, runId: "run", permutation, ranks: ranks() })),
    ],
  }));
  const rater = (id: string) => [id, { id, name: `Dr. ${id}`, pseudonym: `C-${id}`, external: false }] as const;
  return {
    prompts: rows,
    raters: new Map([rater("a"), rater("b"), rater("c")]),
    runs: new Map([["run", { id: "run", name: "Judge", model: "gpt-4o" }]]),
  };
}

describe("the agreement report on two threads", { timeout: 60_000 }, () => {
  it("is byte for byte the report computed on one thread: same figures, same section order", async () => {
    const data = reportColumns(projectData(400));
    const options = { seed: "threads", resamples: 200, breakdownResamples: 50 };
    const worker = new ReportWorker();
    try {
      expect(JSON.stringify(await worker.report(data, options))).toBe(JSON.stringify(agreementReport(data, options)));
    } finally {
      await worker.close();
    }
  });
});
