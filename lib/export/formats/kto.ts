import { boolType, messagesType, stringType } from "@/lib/export/columns";
import type { ExportConfig } from "@/lib/export/export-config";
import {
  assistant,
  completionProvenance,
  completionProvenanceType,
  conversation,
  promptAsText,
  provenance,
} from "@/lib/export/export-rows";
import type { ExportFormatDefinition } from "@/lib/export/formats/export-format";
import { oneFile, styleLine, trlTrainerUsage } from "@/lib/export/formats/format-helpers";
import { ktoLabels } from "@/lib/export/pairing";

/** What kto rows record as their strategy: the cut that labelled them ("kto:median", "kto:top-2"). */
export function ktoRule(config: Pick<ExportConfig, "ktoCut" | "topK">): string {
  return config.ktoCut === "median" ? "kto:median" : `kto:top-${config.topK}`;
}

/** TRL unpaired preference data (KTOTrainer): one completion per row, labelled desirable or not from the aggregated ranking. */
export const ktoFormat: ExportFormatDefinition = {
  name: "kto",
  columns: (config) => {
    const promptOrText = config.dpoStyle === "conversational" ? messagesType : stringType;
    return [
      { name: "prompt", type: promptOrText },
      { name: "completion", type: promptOrText },
      { name: "label", type: boolType },
      provenance(completionProvenanceType),
    ];
  },
  splitFiles: oneFile("pairs"),
  hasCategories: false,
  strategyLabel: ktoRule,
  rowsFor: (rated, { context }) => {
    const labels = ktoLabels(rated.ranks, context.config.ktoCut, context.config.topK);
    if (labels.length === 0) return "all-tied";
    const { messages, candidates } = rated.prompt;
    const conversational = context.config.dpoStyle === "conversational";
    const rows = labels.map((label) => {
      const text = candidates[label.index]!.text;
      const row = {
        prompt: conversational ? conversation(messages) : promptAsText(messages),
        completion: conversational ? [assistant(text)] : text,
        label: label.desirable,
        provenance: completionProvenance(rated, label.index, context),
      };
      return { part: "pairs" as const, category: null, row };
    });
    return { rows, pairs: [], labels };
  },
  card: {
    description:
      "TRL unpaired preference data: `prompt`, `completion`, `label` (true = desirable); one row per (prompt, completion) at most, labelled from the prompt's aggregated ranking (see below).",
    styleLine,
    trainerUsage: (_config, firstSplit) => trlTrainerUsage("TRL `KTOTrainer`:", "KTO", firstSplit, "kto"),
    rowsMade: (config) =>
      `- **Labels** (\`${ktoRule(config)}\`, no pairing): one row per (prompt, completion) at most, from the prompt's aggregated ranking. ${config.ktoCut === "median" ? "Desirable (`label: true`): ranked strictly better than the middle rank (N + 1) / 2; undesirable: strictly worse; a candidate on the middle rank, or tied across it, is left out." : `Desirable (\`label: true\`): the candidate and every candidate tied with it fit in the top ${config.topK} (at most N / 2); undesirable: they fit in the bottom ${config.topK}; the middle, and ties across a cut, are left out.`} A prompt whose candidates all tie gives no row.`,
    statistics: (s) => `Labels: ${s.labels.desirable} desirable, ${s.labels.undesirable} undesirable.`,
  },
};
