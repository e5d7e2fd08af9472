import { createHash } from "node:crypto";
import { doubleType, intType, listOf, stringType, structOf, type Column } from "@/lib/export/columns";
import type { ExportConfig } from "@/lib/export/export-config";
import { candidateSpans, spanListType } from "@/lib/export/export-spans";
import type { ChatMessage } from "@/lib/export/export-prompt";
import type { CandidatePair } from "@/lib/export/pairing";
import type { RatedPrompt } from "@/lib/export/rate-prompt";

/**
 * The building blocks of every format's rows (lib/export/formats): provenance columns and values,
 * conversations, prompt text. Provenance rides along in one struct column, which trainers ignore.
 */
export interface RowContext {
  config: ExportConfig;
  exportVersion: string;
  /** What rows record as their strategy (the format's `strategyLabel`). */
  strategy: string;
}

export const nullableString = (name: string): Column => ({ name, type: stringType, nullable: true });
export const nullableDouble = (name: string): Column => ({ name, type: doubleType, nullable: true });

export const promptProvenance: Column[] = [
  { name: "prompt_id", type: stringType },
  { name: "project", type: stringType },
  nullableString("source_dataset"),
  nullableString("prompt_type"),
  { name: "num_rankings", type: intType },
  nullableDouble("agreement"),
  /** The scale of the score columns, "min-max" (the rubric's 1-5 unless the rankings declared another). */
  { name: "score_scale", type: stringType },
  { name: "rating_source", type: stringType },
  { name: "raters", type: listOf(stringType) },
  nullableString("judge_run"),
  { name: "strategy", type: stringType },
  { name: "export_version", type: stringType },
];

/** Provenance of a pair (h4, dpo and rm rows; h4's sft/gen rows carry the prompt's first pair). */
export const pairProvenanceType = structOf([
  ...promptProvenance,
  { name: "chosen_id", type: stringType },
  { name: "chosen_model", type: stringType },
  { name: "chosen_rank", type: doubleType },
  nullableDouble("chosen_score"),
  { name: "rejected_id", type: stringType },
  { name: "rejected_model", type: stringType },
  { name: "rejected_rank", type: doubleType },
  nullableDouble("rejected_score"),
  { name: "rank_gap", type: doubleType },
  /** The critique spans on the chosen and the rejected completion (lib/export/export-spans.ts; empty lists when none). */
  { name: "chosen_spans", type: spanListType },
  { name: "rejected_spans", type: spanListType },
]);

/** Provenance of one completion (kto and sft rows). */
export const completionProvenanceType = structOf([
  ...promptProvenance,
  { name: "completion_id", type: stringType },
  { name: "model", type: stringType },
  { name: "rank", type: doubleType },
  nullableDouble("score"),
  /** The critique spans on the completion (lib/export/export-spans.ts; an empty list when none). */
  { name: "spans", type: spanListType },
]);

export const provenance = (type = pairProvenanceType): Column => ({ name: "provenance", type });

/** The user's last turn: what h4's `prompt` column holds (the whole conversation is in chosen/rejected/messages). */
export function promptString(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return messages[i]!.content;
  return messages.at(-1)?.content ?? "";
}

/** A multi-turn conversation as one string, for the "standard" (non-conversational) styles. */
export function promptAsText(messages: readonly ChatMessage[]): string {
  return messages.length === 1 ? messages[0]!.content : messages.map((m) => `${m.role}: ${m.content}`).join("\n\n");
}

export const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

export const assistant = (content: string): ChatMessage => ({ role: "assistant", content });
export const conversation = (messages: readonly ChatMessage[]) => messages.map((m) => ({ role: m.role, content: m.content }));

export function promptFields(rated: RatedPrompt, context: RowContext) {
  const { prompt } = rated;
  return {
    prompt_id: prompt.id,
    project: prompt.project,
    source_dataset: prompt.source,
    prompt_type: prompt.promptType,
    num_rankings: rated.rankingCount,
    agreement: rated.agreement,
    score_scale: `${rated.scoreScale[0]}-${rated.scoreScale[1]}`,
    rating_source: rated.ratingSource,
    raters: rated.raters,
    judge_run: rated.judgeRun,
    strategy: context.strategy,
    export_version: context.exportVersion,
  };
}

// Provenance objects are written field by field, not spread from promptFields: a prompt's rows each
// carry one (8 per prompt for kto), and spreads and computed keys were a twentieth of a kto export.

export function pairProvenance(rated: RatedPrompt, pair: CandidatePair, context: RowContext) {
  const { prompt, ranks, scores } = rated;
  const chosen = prompt.candidates[pair.chosen]!;
  const rejected = prompt.candidates[pair.rejected]!;
  return {
    prompt_id: prompt.id,
    project: prompt.project,
    source_dataset: prompt.source,
    prompt_type: prompt.promptType,
    num_rankings: rated.rankingCount,
    agreement: rated.agreement,
    score_scale: `${rated.scoreScale[0]}-${rated.scoreScale[1]}`,
    rating_source: rated.ratingSource,
    raters: rated.raters,
    judge_run: rated.judgeRun,
    strategy: context.strategy,
    export_version: context.exportVersion,
    chosen_id: chosen.completionId,
    chosen_model: chosen.model,
    chosen_rank: ranks[pair.chosen]!,
    chosen_score: scores[pair.chosen] ?? null,
    rejected_id: rejected.completionId,
    rejected_model: rejected.model,
    rejected_rank: ranks[pair.rejected]!,
    rejected_score: scores[pair.rejected] ?? null,
    rank_gap: ranks[pair.rejected]! - ranks[pair.chosen]!,
    chosen_spans: candidateSpans(prompt, pair.chosen),
    rejected_spans: candidateSpans(prompt, pair.rejected),
  };
}

export function completionProvenance(rated: RatedPrompt, index: number, context: RowContext) {
  const { prompt } = rated;
  const c = prompt.candidates[index]!;
  return {
    prompt_id: prompt.id,
    project: prompt.project,
    source_dataset: prompt.source,
    prompt_type: prompt.promptType,
    num_rankings: rated.rankingCount,
    agreement: rated.agreement,
    score_scale: `${rated.scoreScale[0]}-${rated.scoreScale[1]}`,
    rating_source: rated.ratingSource,
    raters: rated.raters,
    judge_run: rated.judgeRun,
    strategy: context.strategy,
    export_version: context.exportVersion,
    completion_id: c.completionId,
    model: c.model,
    rank: rated.ranks[index]!,
    score: rated.scores[index] ?? null,
    spans: candidateSpans(prompt, index),
  };
}
