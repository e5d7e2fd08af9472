import { createHash } from "node:crypto";
import { z } from "zod";
import { safeText, safeName } from "@/lib/text/safe-text";

/**
 * Everything that decides an export's content. Stored with the export, hashed for its version,
 * printed in the manifest: the same configuration over the same data gives the same bytes.
 */
export const EXPORT_FORMATS = ["h4", "dpo", "kto", "rm", "sft", "rankings", "critiques"] as const;
export const PAIRING_STRATEGIES = ["best-random", "best-worst", "all-pairs", "topk", "quantile"] as const;
export const RANKING_SOURCES = ["humans", "judge", "humans+judge", "both"] as const;
export const AGGREGATIONS = ["borda", "bradley-terry", "majority"] as const;
export const FILE_TYPES = ["jsonl", "parquet"] as const;
/** KTO labels: where the aggregated ranking is cut into desirable and undesirable completions. */
export const KTO_CUTS = ["median", "top-k"] as const;

export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export type PairingStrategy = (typeof PAIRING_STRATEGIES)[number];
export type RankingSourceChoice = (typeof RANKING_SOURCES)[number];
export type Aggregation = (typeof AGGREGATIONS)[number];
export type KtoCut = (typeof KTO_CUTS)[number];

/** Hugging Face datasets' rule for split names. */
export const SPLIT_NAME = /^\w+(\.\w+)*$/;

const splitSchema = z.object({
  name: z.string().regex(SPLIT_NAME, "split names are letters, digits and underscores, optionally dotted (e.g. train, test.hard)"),
  // A split of fraction 0 could only ever be an empty file, which readers refuse.
  fraction: z.number().gt(0, "a split fraction is above 0 (leave the split out instead)").max(1, "a split fraction is between 0 and 1"),
});

const slug = z.string().trim().min(1).max(100);

export const exportConfigSchema = z
  .object({
    projects: z.array(slug).min(1, "choose at least one project").max(20),
    source: z.enum(RANKING_SOURCES).default("humans"),
    /** Judge runs, at most one per project (needed by every source but "humans"). */
    judgeRuns: z.array(z.uuid("a judge run is named by its id")).max(20).default([]),
    aggregation: z.enum(AGGREGATIONS).default("borda"),
    minHumanRankings: z.number().int().min(0).max(50).default(1),
    sourceDatasets: z.array(safeText().trim().min(1)).max(50).default([]),
    promptTypes: z.array(safeText().trim().min(1)).max(50).default([]),
    /** Minimum pairwise agreement of the rankings used on a prompt (needs ≥ 2 rankings). */
    minAgreement: z.number().min(0).max(1).nullable().default(null),
    excludeFlaggedChosen: z.boolean().default(true),
    excludeGold: z.boolean().default(false),
    /** Pair formats: leave out pairs whose chosen completion carries a critical critique span in any ranking's latest revision. */
    excludeCriticalChosen: z.boolean().default(false),
    strategy: z.enum(PAIRING_STRATEGIES).default("best-random"),
    margin: z.number().int().min(1, "the margin is a whole number of ranks ≥ 1").max(15).default(1),
    topK: z.number().int().min(1).max(8).default(2),
    quantile: z.number().gt(0).max(1).default(0.5),
    /** kto: desirable above the cut, undesirable below it; candidates at or tied across it are left out. */
    ktoCut: z.enum(KTO_CUTS).default("median"),
    format: z.enum(EXPORT_FORMATS).default("dpo"),
    dpoStyle: z.enum(["conversational", "standard"]).default("conversational"),
    fileType: z.enum(FILE_TYPES).default("jsonl"),
    splits: z
      .array(splitSchema)
      .min(1)
      .max(8)
      .default([
        { name: "train", fraction: 0.9 },
        { name: "validation", fraction: 0.05 },
        { name: "test", fraction: 0.05 },
      ]),
    seed: z
      .number()
      .int()
      .min(0)
      .max(2 ** 31 - 1)
      .default(42),
    /** Medical-RewardBench-style categories of the last split (easy, hard, length, human). */
    categories: z.boolean().default(false),
    license: safeName().trim().min(1).max(64).default("other"),
  })
  .superRefine((c, ctx) => {
    const total = c.splits.reduce((s, x) => s + x.fraction, 0);
    if (Math.abs(total - 1) > 1e-9)
      ctx.addIssue({
        code: "custom",
        path: ["splits"],
        message: `split fractions must sum to 1 (they sum to ${Number(total.toFixed(6))})`,
      });
    const names = new Set(c.splits.map((s) => s.name));
    if (names.size !== c.splits.length) ctx.addIssue({ code: "custom", path: ["splits"], message: "split names must be different" });
    if (c.source !== "humans" && c.judgeRuns.length === 0)
      ctx.addIssue({ code: "custom", path: ["judgeRuns"], message: `the source "${c.source}" needs a judge run` });
    if (c.source === "humans" && c.judgeRuns.length > 0)
      ctx.addIssue({
        code: "custom",
        path: ["judgeRuns"],
        message: 'the source "humans" uses no judge run; choose "judge", "humans+judge" or "both"',
      });
    if (new Set(c.projects).size !== c.projects.length)
      ctx.addIssue({ code: "custom", path: ["projects"], message: "a project is listed twice" });
  });

export type ExportConfig = z.output<typeof exportConfigSchema>;
export type ExportConfigInput = z.input<typeof exportConfigSchema>;

/** "train=0.9,validation=0.05,test=0.05" → splits; a malformed part is named. */
export function parseSplitList(text: string): { name: string; fraction: number }[] {
  return text.split(",").map((part) => {
    const match = /^\s*([^=\s]+)\s*=\s*([0-9]*\.?[0-9]+)\s*$/.exec(part);
    if (!match) throw new Error(`"${part}" is not NAME=FRACTION (e.g. train=0.9)`);
    return { name: match[1]!, fraction: Number(match[2]) };
  });
}

/** "humans" | "judge:RUN[,RUN]" | "humans+judge:RUN" | "both:RUN" → source and judge runs. */
export function parseSourceChoice(text: string): { source: RankingSourceChoice; judgeRuns: string[] } {
  const [kind, runs] = text.split(":", 2) as [string, string | undefined];
  const source = (RANKING_SOURCES as readonly string[]).includes(kind) ? (kind as RankingSourceChoice) : null;
  if (!source) throw new Error(`"${text}" is not a source: use humans, judge:RUN_ID, humans+judge:RUN_ID or both:RUN_ID`);
  return {
    source,
    judgeRuns: runs
      ? runs
          .split(",")
          .map((r) => r.trim())
          .filter(Boolean)
      : [],
  };
}

/** JSON with sorted keys: equal configurations serialize (and hash) equally. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

export function configHash(config: ExportConfig): string {
  return createHash("sha256").update(canonicalJson(config)).digest("hex");
}
