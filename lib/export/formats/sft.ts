import { messagesType } from "@/lib/export/columns";
import { assistant, completionProvenance, completionProvenanceType, conversation, provenance } from "@/lib/export/export-rows";
import type { ExportFormatDefinition } from "@/lib/export/formats/export-format";
import { noStatistics, noStyleLine } from "@/lib/export/formats/export-format";
import { configuredStrategy, oneFile, trlTrainerUsage } from "@/lib/export/formats/format-helpers";
import { allTied, topCandidate } from "@/lib/export/pairing";

/** Supervised fine-tuning conversations (SFTTrainer): the prompt and its top-ranked completion. */
export const sftFormat: ExportFormatDefinition = {
  name: "sft",
  columns: () => [{ name: "messages", type: messagesType }, provenance(completionProvenanceType)],
  splitFiles: oneFile("rows"),
  hasCategories: false,
  strategyLabel: configuredStrategy,
  rowsFor: (rated, { context, random }) => {
    // Supervised fine-tuning needs a best answer; all tied, there is none.
    if (allTied(rated.ranks)) return "all-tied";
    const top = topCandidate(rated.ranks, random);
    const row = {
      messages: [...conversation(rated.prompt.messages), assistant(rated.prompt.candidates[top]!.text)],
      provenance: completionProvenance(rated, top, context),
    };
    return { rows: [{ part: "rows", category: null, row }], pairs: [], labels: [] };
  },
  card: {
    description:
      "Supervised fine-tuning conversations: `messages` ending with the top-ranked completion. Prompts whose candidates all tie in the aggregated ranking have no best answer and are left out.",
    styleLine: noStyleLine,
    trainerUsage: (_config, firstSplit) => trlTrainerUsage("TRL `SFTTrainer`:", "SFT", firstSplit, "sft"),
    rowsMade: () =>
      "- **Rows**: one per prompt (the top-ranked completion; a seeded pick among tied bests); prompts whose candidates all tie are left out. No pairing.",
    statistics: noStatistics,
  },
};
