import { createHash } from "node:crypto";
import { boolType, doubleType, intType, listOf, messagesType, stringType, structOf, type Column } from "@/lib/export/columns";
import type { ExportConfig } from "@/lib/export/export-config";
import type { ChatMessage } from "@/lib/export/export-prompt";
import type { CandidatePair, KtoLabel } from "@/lib/export/pairing";
import type { RatedPrompt } from "@/lib/export/rate-prompt";

/**
 * Row layouts of every format and the functions that fill them. Column names follow what
 * trainers read: HuggingFaceH4/ultrafeedback_binarized (h4), TRL's DPO / KTO / reward / SFT
 * datasets, OpenRLHF's reward dataset (chosen/rejected keys). Provenance rides along in one
 * struct column, which trainers ignore.
 */
export interface RowContext {
  config: ExportConfig;
  exportVersion: string;
}

const nullableString = (name: string): Column => ({ name, type: stringType, nullable: true });
const nullableDouble = (name: string): Column => ({ name, type: doubleType, nullable: true });

const promptProvenance: Column[] = [
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
const pairProvenanceType = structOf([
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
]);

/** Provenance of one completion (kto and sft rows). */
const completionProvenanceType = structOf([
  ...promptProvenance,
  { name: "completion_id", type: stringType },
  { name: "model", type: stringType },
  { name: "rank", type: doubleType },
  nullableDouble("score"),
]);

const provenance = (type = pairProvenanceType): Column => ({ name: "provenance", type });

export function columnsFor(config: Pick<ExportConfig, "format" | "dpoStyle">): Column[] {
  const promptOrText = config.dpoStyle === "conversational" ? messagesType : stringType;
  switch (config.format) {
    case "h4":
      return [
        { name: "prompt", type: stringType },
        { name: "prompt_id", type: stringType },
        { name: "chosen", type: messagesType },
        { name: "rejected", type: messagesType },
        { name: "messages", type: messagesType },
        nullableDouble("score_chosen"),
        nullableDouble("score_rejected"),
        provenance(),
      ];
    case "dpo":
      return [
        { name: "prompt", type: promptOrText },
        { name: "chosen", type: promptOrText },
        { name: "rejected", type: promptOrText },
        provenance(),
      ];
    case "kto":
      return [
        { name: "prompt", type: promptOrText },
        { name: "completion", type: promptOrText },
        { name: "label", type: boolType },
        provenance(completionProvenanceType),
      ];
    case "rm":
      return [
        { name: "chosen", type: messagesType },
        { name: "rejected", type: messagesType },
        { name: "margin", type: doubleType },
        provenance(),
      ];
    case "sft":
      return [{ name: "messages", type: messagesType }, provenance(completionProvenanceType)];
    case "rankings":
      return [
        { name: "prompt_id", type: stringType },
        { name: "prompt", type: stringType },
        { name: "messages", type: messagesType },
        {
          name: "candidates",
          type: listOf(
            structOf([
              { name: "completion_id", type: stringType },
              { name: "model", type: stringType },
              { name: "content", type: stringType },
              { name: "rank", type: doubleType },
              nullableDouble("score"),
            ]),
          ),
        },
        {
          name: "rankings",
          type: listOf(
            structOf([
              { name: "rater", type: stringType },
              { name: "kind", type: stringType },
              nullableString("judge_run"),
              { name: "permutation", type: intType, nullable: true },
              { name: "score_scale", type: stringType },
              { name: "ranks", type: listOf(doubleType) },
              { name: "scores", type: listOf(doubleType, true) },
              { name: "flags", type: listOf(listOf(stringType)) },
            ]),
          ),
        },
        { name: "provenance", type: structOf(promptProvenance) },
      ];
  }
}

/** What kto rows record as their strategy: the cut that labelled them ("kto:median", "kto:top-2"). */
export function ktoRule(config: Pick<ExportConfig, "ktoCut" | "topK">): string {
  return config.ktoCut === "median" ? "kto:median" : `kto:top-${config.topK}`;
}

/** The user's last turn: what h4's `prompt` column holds (the whole conversation is in chosen/rejected/messages). */
export function promptString(messages: readonly ChatMessage[]): string {
  for (let i = messages.length - 1; i >= 0; i--) if (messages[i]!.role === "user") return messages[i]!.content;
  return messages.at(-1)?.content ?? "";
}

/** A multi-turn conversation as one string, for the "standard" (non-conversational) styles. */
function promptAsText(messages: readonly ChatMessage[]): string {
  return messages.length === 1 ? messages[0]!.content : messages.map((m) => `${m.role}: ${m.content}`).join("\n\n");
}

export const sha256Hex = (text: string) => createHash("sha256").update(text).digest("hex");

const assistant = (content: string): ChatMessage => ({ role: "assistant", content });
const conversation = (messages: readonly ChatMessage[]) => messages.map((m) => ({ role: m.role, content: m.content }));

function promptFields(rated: RatedPrompt, context: RowContext) {
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
    strategy: context.config.format === "kto" ? ktoRule(context.config) : context.config.strategy,
    export_version: context.exportVersion,
  };
}

function candidateFields(rated: RatedPrompt, index: number, side: "chosen" | "rejected") {
  const c = rated.prompt.candidates[index]!;
  return {
    [`${side}_id`]: c.completionId,
    [`${side}_model`]: c.model,
    [`${side}_rank`]: rated.ranks[index]!,
    [`${side}_score`]: rated.scores[index] ?? null,
  };
}

export function pairProvenance(rated: RatedPrompt, pair: CandidatePair, context: RowContext) {
  return {
    ...promptFields(rated, context),
    ...candidateFields(rated, pair.chosen, "chosen"),
    ...candidateFields(rated, pair.rejected, "rejected"),
    rank_gap: rated.ranks[pair.rejected]! - rated.ranks[pair.chosen]!,
  };
}

function completionProvenance(rated: RatedPrompt, index: number, context: RowContext) {
  const c = rated.prompt.candidates[index]!;
  return {
    ...promptFields(rated, context),
    completion_id: c.completionId,
    model: c.model,
    rank: rated.ranks[index]!,
    score: rated.scores[index] ?? null,
  };
}

/** The row of one preference pair in a pair format (h4, dpo, rm). */
export function pairRow(rated: RatedPrompt, pair: CandidatePair, context: RowContext): Record<string, unknown> {
  const { messages, candidates } = rated.prompt;
  const chosenText = candidates[pair.chosen]!.text;
  const rejectedText = candidates[pair.rejected]!.text;
  switch (context.config.format) {
    case "h4": {
      const prompt = promptString(messages);
      const chosen = [...conversation(messages), assistant(chosenText)];
      return {
        prompt,
        prompt_id: sha256Hex(prompt),
        chosen,
        rejected: [...conversation(messages), assistant(rejectedText)],
        messages: chosen,
        score_chosen: rated.scores[pair.chosen] ?? null,
        score_rejected: rated.scores[pair.rejected] ?? null,
        provenance: pairProvenance(rated, pair, context),
      };
    }
    case "dpo":
      return context.config.dpoStyle === "conversational"
        ? {
            prompt: conversation(messages),
            chosen: [assistant(chosenText)],
            rejected: [assistant(rejectedText)],
            provenance: pairProvenance(rated, pair, context),
          }
        : { prompt: promptAsText(messages), chosen: chosenText, rejected: rejectedText, provenance: pairProvenance(rated, pair, context) };
    case "rm":
      return {
        chosen: [...conversation(messages), assistant(chosenText)],
        rejected: [...conversation(messages), assistant(rejectedText)],
        margin: rated.ranks[pair.rejected]! - rated.ranks[pair.chosen]!,
        provenance: pairProvenance(rated, pair, context),
      };
    default:
      throw new Error(`${context.config.format} is not a pair format`);
  }
}

/** A kto row: one completion of the prompt and whether it is desirable (see ktoLabels). */
export function ktoRow(rated: RatedPrompt, label: KtoLabel, context: RowContext): Record<string, unknown> {
  const { messages, candidates } = rated.prompt;
  const text = candidates[label.index]!.text;
  const conversational = context.config.dpoStyle === "conversational";
  return {
    prompt: conversational ? conversation(messages) : promptAsText(messages),
    completion: conversational ? [assistant(text)] : text,
    label: label.desirable,
    provenance: completionProvenance(rated, label.index, context),
  };
}

/**
 * h4's train_sft row: as in HuggingFaceH4/ultrafeedback_binarized, the prompt's first pair with
 * `messages` the chosen (top-ranked) conversation, so every split has the same columns, filled.
 */
export function h4SftRow(rated: RatedPrompt, firstPair: CandidatePair, context: RowContext): Record<string, unknown> {
  return pairRow(rated, firstPair, context);
}

/** h4's train_gen row: the first pair's columns too, with `messages` the prompt alone (for on-policy generation). */
export function h4GenRow(rated: RatedPrompt, firstPair: CandidatePair, context: RowContext): Record<string, unknown> {
  return { ...pairRow(rated, firstPair, context), messages: conversation(rated.prompt.messages) };
}

export function sftRow(rated: RatedPrompt, top: number, context: RowContext): Record<string, unknown> {
  return {
    messages: [...conversation(rated.prompt.messages), assistant(rated.prompt.candidates[top]!.text)],
    provenance: completionProvenance(rated, top, context),
  };
}

export function rankingsRow(rated: RatedPrompt, context: RowContext): Record<string, unknown> {
  const { prompt } = rated;
  const text = promptString(prompt.messages);
  return {
    prompt_id: sha256Hex(text),
    prompt: text,
    messages: conversation(prompt.messages),
    candidates: prompt.candidates.map((c, i) => ({
      completion_id: c.completionId,
      model: c.model,
      content: c.text,
      rank: rated.ranks[i]!,
      score: rated.scores[i] ?? null,
    })),
    rankings: prompt.rankings.map((r) => ({
      rater: r.rater,
      kind: r.kind.toLowerCase(),
      judge_run: r.runId,
      permutation: r.permutation,
      score_scale: `${r.scoreScale[0]}-${r.scoreScale[1]}`,
      ranks: Array.from(r.ranks),
      scores: r.scores,
      flags: r.flags,
    })),
    provenance: promptFields(rated, context),
  };
}
