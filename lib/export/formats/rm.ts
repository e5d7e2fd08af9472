import { doubleType, messagesType } from "@/lib/export/columns";
import { assistant, conversation, pairProvenance, provenance } from "@/lib/export/export-rows";
import type { ExportFormatDefinition } from "@/lib/export/formats/export-format";
import { noStatistics, noStyleLine } from "@/lib/export/formats/export-format";
import { configuredStrategy, oneFile, pairRows, pairsMade, trlTrainerUsage } from "@/lib/export/formats/format-helpers";

/** Reward-model pairs (TRL RewardTrainer, OpenRLHF's chosen/rejected keys): whole conversations and a margin. */
export const rmFormat: ExportFormatDefinition = {
  name: "rm",
  columns: () => [
    { name: "chosen", type: messagesType },
    { name: "rejected", type: messagesType },
    { name: "margin", type: doubleType },
    provenance(),
  ],
  splitFiles: oneFile("pairs"),
  hasCategories: true,
  strategyLabel: configuredStrategy,
  rowsFor: (rated, input) =>
    pairRows(rated, input, (pair) => {
      const { messages, candidates } = rated.prompt;
      return {
        chosen: [...conversation(messages), assistant(candidates[pair.chosen]!.text)],
        rejected: [...conversation(messages), assistant(candidates[pair.rejected]!.text)],
        margin: rated.ranks[pair.rejected]! - rated.ranks[pair.chosen]!,
        provenance: pairProvenance(rated, pair, input.context),
      };
    }),
  card: {
    description:
      "Reward-model pairs: `chosen` and `rejected` conversations (prompt included) and `margin`, the aggregated rank gap (float). OpenRLHF: `--chosen_key chosen --rejected_key rejected --apply_chat_template`.",
    styleLine: noStyleLine,
    trainerUsage: (_config, firstSplit) =>
      trlTrainerUsage(
        "TRL `RewardTrainer` (implicit prompt: `chosen` and `rejected` are whole conversations; `margin` is used as the margin of the loss). OpenRLHF: `--chosen_key chosen --rejected_key rejected --apply_chat_template`.",
        "Reward",
        firstSplit,
        "rm",
      ),
    rowsMade: pairsMade,
    statistics: noStatistics,
  },
};
