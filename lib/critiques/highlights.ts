import type { HighlightSpan } from "@/lib/critiques/rehype-critique-marks";
import type { CritiqueSpan } from "@/lib/critiques/spans";
import { findTag, SEVERITY_LABELS, type CritiqueTaxonomy } from "@/lib/critiques/taxonomy";

/**
 * Spans as SourceMappedMarkdown highlights them: each with the tag's label, marker and colour from
 * the taxonomy (a tag it lacks keeps its key and no colour) and `idOf(span, i)` as its id.
 */
export function highlightSpansOf<S extends Pick<CritiqueSpan, "start" | "end" | "tag" | "severity">>(
  spans: readonly S[],
  taxonomy: CritiqueTaxonomy,
  idOf: (span: S, index: number) => string,
): HighlightSpan[] {
  return spans.map((span, i) => {
    const tag = findTag(taxonomy, span.tag);
    return {
      id: idOf(span, i),
      start: span.start,
      end: span.end,
      tag: span.tag,
      severity: span.severity,
      label: tag?.label ?? span.tag,
      marker: tag ? `${tag.marker}${SEVERITY_LABELS[span.severity].marker}` : undefined,
      colour: tag?.colour,
    };
  });
}
