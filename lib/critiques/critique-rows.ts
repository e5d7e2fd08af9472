import { codePointLength, sliceCodePoints } from "@/lib/critiques/code-points";
import { hasCriticalSpan, type CritiqueSpan } from "@/lib/critiques/spans";

/** A span with the (pseudonymous) name of the rater who marked it. */
export interface RatedSpan extends CritiqueSpan {
  rater: string;
}

export interface CritiqueCandidateInput {
  completion: string;
  model: string;
  /** The candidate's aggregated rank (1 = best, fractional for ties), null when unranked. */
  rank: number | null;
  spans: readonly RatedSpan[];
}

export interface CritiquePromptInput {
  promptId: string;
  prompt: string;
  candidates: readonly CritiqueCandidateInput[];
}

/** One row of the `critiques` export format: a prompt and one of its candidates, with every rater's spans. */
export interface CritiqueRow {
  prompt_id: string;
  prompt: string;
  model: string;
  completion: string;
  rank: number | null;
  spans: RatedSpan[];
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Spans in the export's order: by start, end, rater, then tag (code-unit order of the names, not locale). */
function exportOrder(a: RatedSpan, b: RatedSpan): number {
  return a.start - b.start || a.end - b.end || compareText(a.rater, b.rater) || compareText(a.tag, b.tag);
}

/** The span's export fields, in the card's order, after checking its offsets slice its quoted text. */
function exportedSpan(span: RatedSpan, completion: string, length: number, where: string): RatedSpan {
  const fits = Number.isInteger(span.start) && Number.isInteger(span.end) && 0 <= span.start && span.start < span.end && span.end <= length;
  if (!fits || sliceCodePoints(completion, span.start, span.end) !== span.text)
    throw new Error(
      `${where}: the span at ${span.start}–${span.end} does not quote the completion's text there (was the completion changed?)`,
    );
  const { start, end, text, tag, severity, comment, correction, rater } = span;
  return { start, end, text, tag, severity, comment, correction, rater };
}

/**
 * The `critiques` rows of one prompt: one per candidate, in the given order, with its spans sorted
 * by (start, end, rater, tag). Offsets are code points into `completion`, and every span's `text` is
 * checked to be exactly `completion`'s text at its offsets (spans are checked on save; a mismatch
 * here means stored data changed, and throws rather than export offsets that do not slice their quote).
 */
export function critiqueRows(prompt: CritiquePromptInput): CritiqueRow[] {
  return prompt.candidates.map((candidate, i) => {
    const length = codePointLength(candidate.completion);
    const where = `prompt ${prompt.promptId}, candidate ${i + 1} (${candidate.model})`;
    return {
      prompt_id: prompt.promptId,
      prompt: prompt.prompt,
      model: candidate.model,
      completion: candidate.completion,
      rank: candidate.rank,
      spans: candidate.spans.map((span) => exportedSpan(span, candidate.completion, length, where)).sort(exportOrder),
    };
  });
}

/**
 * Splits preference pairs by whether their chosen completion carries a critical span (any rater's):
 * `kept` are the pairs to export, `dropped` those left out, both in the given order. The key of
 * `spansByCompletion` is whatever a pair's `chosen` is (a candidate index or a completion id).
 */
export function excludeCriticalChosen<K, P extends { chosen: K }>(
  pairs: readonly P[],
  spansByCompletion: ReadonlyMap<K, readonly Pick<CritiqueSpan, "severity">[]>,
): { kept: P[]; dropped: P[] } {
  const kept: P[] = [];
  const dropped: P[] = [];
  for (const pair of pairs) (hasCriticalSpan(spansByCompletion.get(pair.chosen) ?? []) ? dropped : kept).push(pair);
  return { kept, dropped };
}
