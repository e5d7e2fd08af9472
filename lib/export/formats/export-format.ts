import type { Column } from "@/lib/export/columns";
import type { ExportConfig, ExportFormat } from "@/lib/export/export-config";
import type { ExportSummary } from "@/lib/export/export-statistics";
import type { RowContext } from "@/lib/export/export-rows";
import type { PairCategory } from "@/lib/export/pair-categories";
import type { CandidatePair, KtoLabel } from "@/lib/export/pairing";
import type { NoRowsReason, RatedPrompt } from "@/lib/export/rate-prompt";

/** What a data file of the package holds. */
export type FilePart = "pairs" | "sft" | "gen" | "rows";

/** One row of a prompt and the file part it goes to; a row with a category also goes to that category's file, when there is one. */
export interface FormatRow {
  part: FilePart;
  category: PairCategory | null;
  row: Record<string, unknown>;
}

/** A prompt's rows, in writing order, with the pairs or labels they came from (for the statistics). */
export interface PromptRows {
  rows: FormatRow[];
  pairs: CandidatePair[];
  labels: KtoLabel[];
  /** Pairs left out because their chosen completion carries a critical span (excludeCriticalChosen). */
  criticalChosenDropped?: number;
}

export interface RowInput {
  context: RowContext;
  /** Seeded per prompt: the same prompt draws the same pairs and picks in every export of the same seed. */
  random: () => number;
  /** The project's judge run (pair categories compare against it). */
  judgeRun: string | null;
}

/** What the dataset card says about a format. */
export interface FormatCardSection {
  /** The "Format" paragraph: the columns and what they hold. */
  description: string;
  /** The "Style:" line, for formats written conversational or as plain strings. */
  styleLine(config: ExportConfig): string;
  /** Which trainer reads it, with the exact loading code. */
  trainerUsage(config: ExportConfig, firstSplit: string): string[];
  /** The "How the data was made" item on rows: pairing, labelling or one row per prompt. */
  rowsMade(config: ExportConfig): string;
  /** A line of the "Statistics" section particular to the format ("" for none). */
  statistics(summary: ExportSummary): string;
}

/**
 * One export format: its columns, the files of a split, how a prompt becomes rows and what the
 * dataset card says. Adding a format is adding one module of lib/export/formats and listing it
 * in lib/export/formats/index.ts.
 */
export interface ExportFormatDefinition {
  name: ExportFormat;
  columns(config: ExportConfig): Column[];
  /** The data files of one configured split, in package order (HF split name and part). */
  splitFiles(split: string): { split: string; part: FilePart }[];
  /** Whether `categories` adds benchmark category files of the category split's pairs. */
  hasCategories: boolean;
  /** What rows record as their strategy. */
  strategyLabel(config: ExportConfig): string;
  /** A rated prompt's rows, or why it has none. */
  rowsFor(rated: RatedPrompt, input: RowInput): PromptRows | NoRowsReason;
  card: FormatCardSection;
}

/** The card section shared by most formats: no style line, no statistics line. */
export const noStyleLine = () => "";
export const noStatistics = () => "";
