import { messagesType, stringType } from "@/lib/export/columns";
import {
  assistant,
  conversation,
  nullableDouble,
  pairProvenance,
  promptString,
  provenance,
  sha256Hex,
  type RowContext,
} from "@/lib/export/export-rows";
import type { ExportFormatDefinition } from "@/lib/export/formats/export-format";
import { noStatistics, noStyleLine } from "@/lib/export/formats/export-format";
import { configuredStrategy, pairRows, pairsMade, pythonUsage } from "@/lib/export/formats/format-helpers";
import type { CandidatePair } from "@/lib/export/pairing";
import type { RatedPrompt } from "@/lib/export/rate-prompt";

/** The row of one pair in HuggingFaceH4/ultrafeedback_binarized's layout. */
function h4PairRow(rated: RatedPrompt, pair: CandidatePair, context: RowContext): Record<string, unknown> {
  const { messages, candidates } = rated.prompt;
  const prompt = promptString(messages);
  const chosen = [...conversation(messages), assistant(candidates[pair.chosen]!.text)];
  return {
    prompt,
    prompt_id: sha256Hex(prompt),
    chosen,
    rejected: [...conversation(messages), assistant(candidates[pair.rejected]!.text)],
    messages: chosen,
    score_chosen: rated.scores[pair.chosen] ?? null,
    score_rejected: rated.scores[pair.rejected] ?? null,
    provenance: pairProvenance(rated, pair, context),
  };
}

/**
 * HuggingFaceH4/ultrafeedback_binarized: `<split>_prefs` pairs, and per prompt one `<split>_sft` row
 * (the first pair, `messages` the chosen conversation) and one `<split>_gen` row (the first pair,
 * `messages` the prompt alone, for on-policy generation), so every split has the same columns, filled.
 */
export const h4Format: ExportFormatDefinition = {
  name: "h4",
  columns: () => [
    { name: "prompt", type: stringType },
    { name: "prompt_id", type: stringType },
    { name: "chosen", type: messagesType },
    { name: "rejected", type: messagesType },
    { name: "messages", type: messagesType },
    nullableDouble("score_chosen"),
    nullableDouble("score_rejected"),
    provenance(),
  ],
  splitFiles: (split) => [
    { split: `${split}_prefs`, part: "pairs" },
    { split: `${split}_sft`, part: "sft" },
    { split: `${split}_gen`, part: "gen" },
  ],
  hasCategories: true,
  strategyLabel: configuredStrategy,
  rowsFor: (rated, input) => {
    const prefs = pairRows(rated, input, (pair) => h4PairRow(rated, pair, input.context));
    // No pair left (every chosen carried a critical span): no sft or gen row either.
    if (typeof prefs === "string" || prefs.rows.length === 0) return prefs;
    // The first pair's row, as written to prefs (the same object: serialized once for both files).
    const first = prefs.rows[0]!.row;
    prefs.rows.push(
      { part: "sft", category: null, row: first },
      { part: "gen", category: null, row: { ...first, messages: conversation(rated.prompt.messages) } },
    );
    return prefs;
  },
  card: {
    description:
      "HuggingFaceH4/ultrafeedback_binarized layout: `prompt`, `prompt_id` (sha256 of the prompt), `chosen` / `rejected` / `messages` as lists of `{role, content}`, `score_chosen`, `score_rejected`; `*_prefs` splits hold pairs, `*_sft` and `*_gen` one row per prompt with the prompt's first pair (`messages`: the chosen conversation in `*_sft`, the prompt alone in `*_gen`). `prompt` is only the last user turn; the whole conversation is in `chosen`, `rejected` and `messages`.",
    styleLine: noStyleLine,
    trainerUsage: (_config, firstSplit) => [
      "For TRL prefer the `dpo` export (`DPOTrainer`) or the `rm` export (`RewardTrainer`): h4 rows carry `messages` next to `prompt`/`chosen`/`rejected`, and TRL's `apply_chat_template` refuses that combination. From h4, keep only the conversations (implicit prompt), which `DPOTrainer` and `RewardTrainer` both read; `*_sft` splits go to `SFTTrainer` through `messages`:",
      "",
      ...pythonUsage([
        `prefs = ds["${firstSplit}"].select_columns(["chosen", "rejected"])`,
        `sft = ds["${firstSplit.replace(/_prefs$/, "_sft")}"].select_columns(["messages"])`,
      ]),
    ],
    rowsMade: pairsMade,
    statistics: noStatistics,
  },
};
