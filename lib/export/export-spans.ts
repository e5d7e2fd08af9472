import { critiqueRows, excludeCriticalChosen, type RatedSpan } from "@/lib/critiques/critique-rows";
import { intType, listOf, stringType, structOf, type ColumnType } from "@/lib/export/columns";
import type { ExportPrompt } from "@/lib/export/export-prompt";
import type { CandidatePair } from "@/lib/export/pairing";

/**
 * Critique spans in exports: the `spans` column of the `critiques` format and the spans in the
 * provenance of the other formats have one shape, a list of
 * `{start, end, text, tag, severity, comment, correction, rater}` with offsets in Unicode code points
 * of the completion's text, [start, end).
 */
export const spanListType: ColumnType = listOf(structOf([...spanFields(), { name: "rater", type: stringType }]));

/**
 * The spans of one ranking in the `rankings` format: the same fields with the candidate's `model`
 * instead of the rater (the ranking names its rater), as import-rankings reads them back.
 */
export const rankingSpanListType: ColumnType = listOf(structOf([{ name: "model", type: stringType }, ...spanFields()]));

/** A span's own columns: offsets, quote, tag, severity and notes. */
function spanFields() {
  return [
    { name: "start", type: intType },
    { name: "end", type: intType },
    { name: "text", type: stringType },
    { name: "tag", type: stringType },
    { name: "severity", type: stringType },
    { name: "comment", type: stringType },
    { name: "correction", type: stringType },
  ];
}

const NO_SPANS: readonly RatedSpan[] = Object.freeze([]);

/**
 * The prompt with its spans checked against the completions' text and in the export's order
 * (critiqueRows: by start, end, rater, tag), once per prompt, before any row is made of it. A span
 * whose offsets do not slice its quote throws (stored data changed): offsets that do not slice their
 * quote are never exported.
 */
export function withCheckedSpans(prompt: ExportPrompt): ExportPrompt {
  const { critiques } = prompt;
  if (!critiques) return prompt;
  const rows = critiqueRows({
    promptId: prompt.id,
    prompt: "",
    candidates: prompt.candidates.map((c, i) => ({ completion: c.text, model: c.model, rank: null, spans: critiques.byCandidate[i]! })),
  });
  return { ...prompt, critiques: { ...critiques, byCandidate: rows.map((r) => r.spans) } };
}

/** A candidate's spans (none when the prompt has no spans). */
export function candidateSpans(prompt: ExportPrompt, index: number): readonly RatedSpan[] {
  return prompt.critiques?.byCandidate[index] ?? NO_SPANS;
}

/** Pairs whose chosen candidate carries a critical span (anyone's, in a latest revision) dropped. */
export function withoutCriticalChosen(prompt: ExportPrompt, pairs: CandidatePair[]): { kept: CandidatePair[]; dropped: number } {
  if (!prompt.critiques) return { kept: pairs, dropped: 0 };
  const byCandidate = new Map(prompt.critiques.byCandidate.map((spans, i) => [i, spans]));
  const { kept, dropped } = excludeCriticalChosen(pairs, byCandidate);
  return { kept, dropped: dropped.length };
}
