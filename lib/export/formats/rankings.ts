import { doubleType, intType, listOf, messagesType, stringType, structOf } from "@/lib/export/columns";
import {
  conversation,
  nullableDouble,
  nullableString,
  promptFields,
  promptProvenance,
  promptString,
  sha256Hex,
} from "@/lib/export/export-rows";
import { rankingSpanListType } from "@/lib/export/export-spans";
import type { ExportFormatDefinition } from "@/lib/export/formats/export-format";
import { noStatistics, noStyleLine } from "@/lib/export/formats/export-format";
import { configuredStrategy, oneFile } from "@/lib/export/formats/format-helpers";

/** One row per prompt with every candidate and every individual ranking, for listwise methods and re-analysis. */
export const rankingsFormat: ExportFormatDefinition = {
  name: "rankings",
  columns: () => [
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
          { name: "spans", type: rankingSpanListType },
        ]),
      ),
    },
    { name: "provenance", type: structOf(promptProvenance) },
  ],
  splitFiles: oneFile("rows"),
  hasCategories: false,
  strategyLabel: configuredStrategy,
  rowsFor: (rated, { context }) => {
    const { prompt } = rated;
    const text = promptString(prompt.messages);
    const row = {
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
        spans: r.spans,
      })),
      provenance: promptFields(rated, context),
    };
    return { rows: [{ part: "rows", category: null, row }], pairs: [], labels: [] };
  },
  card: {
    description:
      "One row per prompt: every candidate with its aggregated rank and score, and every individual ranking (per annotator and per judge permutation), ranks, scores and flags in candidate order, and the ranking's critique spans (`{model, start, end, text, tag, severity, comment, correction}`, code-point offsets into that model's `content`). A ranking's tiers, scores and spans are what `import-rankings` reads back (MedPref JSONL).",
    styleLine: noStyleLine,
    trainerUsage: () => [
      "Not a trainer's format: one row per prompt with every candidate and every ranking, for listwise methods and re-analysis. Derive pairs with the `dpo` or `rm` export instead.",
    ],
    rowsMade: () => "- **Rows**: one per prompt. No pairing.",
    statistics: noStatistics,
  },
};
