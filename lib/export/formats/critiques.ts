import { critiqueRows } from "@/lib/critiques/critique-rows";
import { stringType } from "@/lib/export/columns";
import { completionProvenance, completionProvenanceType, nullableDouble, promptAsText, provenance } from "@/lib/export/export-rows";
import { candidateSpans, spanListType } from "@/lib/export/export-spans";
import type { ExportFormatDefinition } from "@/lib/export/formats/export-format";
import { noStyleLine } from "@/lib/export/formats/export-format";
import { configuredStrategy, oneFile, pythonUsage } from "@/lib/export/formats/format-helpers";

/**
 * Span critiques: one row per (prompt, candidate) with the candidate's aggregated rank and every
 * rater's critique spans on its text (lib/critiques/critique-rows.ts), for critique models and
 * fine-grained reward models, and for auditing models' failure modes.
 */
export const critiquesFormat: ExportFormatDefinition = {
  name: "critiques",
  columns: () => [
    { name: "prompt_id", type: stringType },
    { name: "prompt", type: stringType },
    { name: "model", type: stringType },
    { name: "completion", type: stringType },
    nullableDouble("rank"),
    { name: "spans", type: spanListType },
    provenance(completionProvenanceType),
  ],
  splitFiles: oneFile("rows"),
  hasCategories: false,
  strategyLabel: configuredStrategy,
  rowsFor: (rated, { context }) => {
    const { prompt } = rated;
    const critiques = critiqueRows({
      promptId: prompt.id,
      prompt: promptAsText(prompt.messages),
      candidates: prompt.candidates.map((c, i) => ({
        completion: c.text,
        model: c.model,
        rank: rated.ranks[i]!,
        spans: candidateSpans(prompt, i),
      })),
    });
    const rows = critiques.map((row, i) => ({
      part: "rows" as const,
      category: null,
      row: { ...row, provenance: completionProvenance(rated, i, context) },
    }));
    return { rows, pairs: [], labels: [] };
  },
  card: {
    description:
      "Span critiques: one row per (prompt, candidate) with `prompt_id` (MedPref's prompt id), `prompt` (the conversation before the answer as one string), `model`, `completion`, `rank` (the candidate's aggregated rank, 1 = best) and `spans`, every rater's critique spans on `completion`: `{start, end, text, tag, severity, comment, correction, rater}`, sorted by start, end, rater and tag (see Critique spans below). Candidates nobody marked have an empty `spans` list.",
    styleLine: noStyleLine,
    trainerUsage: (_config, firstSplit) => [
      "Not a preference trainer's format: critique spans for critique models, fine-grained (span-level) reward models and error analysis. `text` is exactly `completion[start:end]` in Python:",
      "",
      ...pythonUsage([
        `row = ds["${firstSplit}"][0]`,
        'quotes = [row["completion"][s["start"]:s["end"]] for s in row["spans"]]  # == [s["text"] for s in row["spans"]]',
      ]),
    ],
    rowsMade: () => "- **Rows**: one per (prompt, candidate) of every prompt used, with its aggregated rank. No pairing.",
    statistics: (s) => `Critique spans: ${s.critiques.spans}.`,
  },
};
