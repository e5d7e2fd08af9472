/** Pieces the format modules share: pairing with category copies, the card's pairing, style and trainer lines. */
import type { ExportConfig } from "@/lib/export/export-config";
import type { PairCategory } from "@/lib/export/pair-categories";
import { pairCategories } from "@/lib/export/pair-categories";
import { withoutCriticalChosen } from "@/lib/export/export-spans";
import { pairCandidates, type CandidatePair } from "@/lib/export/pairing";
import type { NoRowsReason, RatedPrompt } from "@/lib/export/rate-prompt";
import type { FormatRow, PromptRows, RowInput } from "@/lib/export/formats/export-format";

/**
 * What the pair formats (h4, dpo, rm) share: pairing by the configured strategy, without the pairs
 * whose chosen completion carries a critical span when the export says so, category copies, the
 * card's pairing line. A prompt all of whose pairs were dropped gives no rows (and says how many).
 */
export function pairRows(
  rated: RatedPrompt,
  { context, random, judgeRun }: RowInput,
  rowOf: (pair: CandidatePair) => Record<string, unknown>,
): PromptRows | NoRowsReason {
  const paired = pairCandidates(rated.ranks, context.config, random);
  if (paired.length === 0) return "no-pairs";
  const { kept: pairs, dropped } = context.config.excludeCriticalChosen
    ? withoutCriticalChosen(rated.prompt, paired)
    : { kept: paired, dropped: 0 };
  const rows: FormatRow[] = [];
  for (const pair of pairs) {
    const row = rowOf(pair);
    rows.push({ part: "pairs", category: null, row });
    const categories: PairCategory[] = context.config.categories ? pairCategories(rated, pair, judgeRun) : [];
    for (const category of categories) rows.push({ part: "pairs", category, row });
  }
  return { rows, pairs, labels: [], criticalChosenDropped: dropped };
}

const STRATEGY_DESCRIPTIONS: Record<ExportConfig["strategy"], (c: ExportConfig) => string> = {
  "best-random": () => "the best-ranked candidate against a randomly drawn lower-ranked one (as HuggingFaceH4/ultrafeedback_binarized)",
  "best-worst": () => "the best-ranked candidate against the worst-ranked one",
  "all-pairs": (c) =>
    `every ordered pair whose aggregated ranks differ by at least ${c.margin} (InstructGPT-style; 28 pairs for 8 untied candidates at margin 1)`,
  topk: (c) => `each of the top ${c.topK} candidates against each of the bottom ${c.topK}`,
  quantile: (c) =>
    `the best-ranked candidate against the candidate at rank quantile ${c.quantile} (the first strictly worse one from there)`,
};

export const pairsMade = (config: ExportConfig) =>
  `- **Pairs**: ${STRATEGY_DESCRIPTIONS[config.strategy](config)}. Tied candidates never form a pair; a prompt whose candidates are all tied gives none. Random choices are seeded (seed ${config.seed}) per prompt.`;

/** The pairing strategy, as pair rows record it. */
export const configuredStrategy = (config: ExportConfig) => config.strategy;

/** One file per split, of pairs or of rows. */
export const oneFile = (part: "pairs" | "rows") => (split: string) => [{ split, part }];

/** Loading code of the card: the package directory as a `datasets` dataset, then a trainer's lines. */
export function pythonUsage(lines: string[]): string[] {
  return ["```python", "from datasets import load_dataset", 'ds = load_dataset("path/to/this/directory")', ...lines, "```"];
}

/** The card's usage of a TRL trainer on the first split, without the provenance column. */
export function trlTrainerUsage(intro: string, trainer: string, firstSplit: string, outputDir: string): string[] {
  return [
    intro,
    "",
    ...pythonUsage([
      `train = ds["${firstSplit}"].remove_columns(["provenance"])`,
      `from trl import ${trainer}Config, ${trainer}Trainer`,
      `trainer = ${trainer}Trainer(model=model, args=${trainer}Config(output_dir="${outputDir}"), train_dataset=train, processing_class=tokenizer)`,
    ]),
  ];
}

/** dpo and kto are written conversational (lists of {role, content}) or standard (plain strings). */
export const styleLine = (config: ExportConfig) =>
  `Style: ${config.dpoStyle} (${config.dpoStyle === "conversational" ? "lists of `{role, content}`" : "plain strings"}).`;
