import { messagesType, stringType } from "@/lib/export/columns";
import { assistant, conversation, pairProvenance, promptAsText, provenance } from "@/lib/export/export-rows";
import type { ExportFormatDefinition } from "@/lib/export/formats/export-format";
import { noStatistics } from "@/lib/export/formats/export-format";
import { configuredStrategy, oneFile, pairRows, pairsMade, styleLine, trlTrainerUsage } from "@/lib/export/formats/format-helpers";

/** TRL preference data with an explicit prompt (DPOTrainer). */
export const dpoFormat: ExportFormatDefinition = {
  name: "dpo",
  columns: (config) => {
    const promptOrText = config.dpoStyle === "conversational" ? messagesType : stringType;
    return [
      { name: "prompt", type: promptOrText },
      { name: "chosen", type: promptOrText },
      { name: "rejected", type: promptOrText },
      provenance(),
    ];
  },
  splitFiles: oneFile("pairs"),
  hasCategories: true,
  strategyLabel: configuredStrategy,
  rowsFor: (rated, input) =>
    pairRows(rated, input, (pair) => {
      const { messages, candidates } = rated.prompt;
      const chosenText = candidates[pair.chosen]!.text;
      const rejectedText = candidates[pair.rejected]!.text;
      const provenanceValue = pairProvenance(rated, pair, input.context);
      return input.context.config.dpoStyle === "conversational"
        ? {
            prompt: conversation(messages),
            chosen: [assistant(chosenText)],
            rejected: [assistant(rejectedText)],
            provenance: provenanceValue,
          }
        : { prompt: promptAsText(messages), chosen: chosenText, rejected: rejectedText, provenance: provenanceValue };
    }),
  card: {
    description: "TRL preference data with an explicit prompt: `prompt`, `chosen`, `rejected`.",
    styleLine,
    trainerUsage: (_config, firstSplit) =>
      trlTrainerUsage(
        "TRL `DPOTrainer` (explicit prompt). The `provenance` column is metadata; drop it before training:",
        "DPO",
        firstSplit,
        "dpo",
      ),
    rowsMade: pairsMade,
    statistics: noStatistics,
  },
};
