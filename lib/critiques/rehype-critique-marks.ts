import type { Element, ElementContent, Root, RootContent, Text } from "hast";
import { mapStampedText, readStamp } from "@/lib/critiques/rehype-source-offsets";
import { coveredRenderedUnits } from "@/lib/critiques/source-map";
import type { CritiqueSpan } from "@/lib/critiques/spans";
import type { CritiqueColour } from "@/lib/critiques/taxonomy";

/** A stored span to highlight: `[start, end)` in code points of the source, tag and severity as `CritiqueSpan`. */
export interface HighlightSpan extends Pick<CritiqueSpan, "start" | "end" | "tag" | "severity"> {
  /** Unique among the spans shown together (e.g. the span's row id, or rater and index). */
  id: string;
  /** The tag as read to a person (the taxonomy tag's label, "Wrong dose or unit"); the tag key when absent. */
  label?: string;
  /** A short visible marker after the span's last character (the taxonomy tag's marker), hidden from screen readers. */
  marker?: string;
  /** The taxonomy tag's colour: adds the class `critique-colour-<colour>`. */
  colour?: CritiqueColour;
}

export interface CritiqueMarkOptions {
  spans: readonly HighlightSpan[];
}

/**
 * A rehype plugin, run after `rehypeSourceOffsets`: wraps the rendered characters each span covers
 * (`coveredRenderedUnits` of every stamped text) in `<mark data-span-id data-tag data-severity
 * data-span-depth class="critique-mark critique-tag-<tag> critique-severity-<severity>
 * critique-colour-<colour>">`. Where
 * spans overlap the marks nest, outer first (earlier start, then longer, then id), and
 * `data-span-depth` says how deep (1 = outermost), so styles can stack underlines. For screen
 * readers each span's first piece starts with visually hidden text "Marked: <label>, <severity>."
 * and its last piece ends with "(end of mark)" and the optional visible marker, all in elements
 * carrying `data-critique-annotation` (not source text: selection mapping skips them). Text is
 * only split and wrapped: no text is added to the stamped spans but these annotations, nothing is
 * parsed as HTML.
 */
export function rehypeCritiqueMarks(options: CritiqueMarkOptions) {
  return (tree: Root, file: { value: unknown }) => {
    const spans = options.spans.filter((span) => span.start < span.end);
    if (spans.length === 0) return;
    const chars = Array.from(String(file.value));
    const pieces = collectStampedTexts(tree).map((stamped) => ({ stamped, segments: segmentsOf(stamped, chars, spans) }));
    const ends = spanEnds(pieces.map((piece) => piece.segments));
    for (const { stamped, segments } of pieces) {
      stamped.element.children = segments.flatMap((segment) => renderSegment(segment, ends));
    }
  };
}

interface StampedText {
  element: Element;
  text: Text;
}

interface Segment {
  value: string;
  /** The spans covering the segment, outermost first. */
  spans: HighlightSpan[];
}

function collectStampedTexts(tree: Root): StampedText[] {
  const found: StampedText[] = [];
  const walk = (children: (RootContent | ElementContent)[]) => {
    for (const child of children) {
      if (child.type !== "element") continue;
      const text = child.children[0];
      if (readStamp(child.properties) && child.children.length === 1 && text?.type === "text") found.push({ element: child, text });
      else walk(child.children);
    }
  };
  walk(tree.children);
  return found;
}

function segmentsOf(stamped: StampedText, chars: readonly string[], spans: readonly HighlightSpan[]): Segment[] {
  const value = stamped.text.value;
  const map = mapStampedText(chars, value, readStamp(stamped.element.properties)!);
  const covered = spans.map((span) => ({ span, units: coveredRenderedUnits(map, span) }));
  const cuts = new Set([0, value.length]);
  for (const { units } of covered) if (units) cuts.add(units.from).add(units.to);
  const sorted = [...cuts].sort((a, b) => a - b);
  return sorted.slice(1).map((to, index) => {
    const from = sorted[index]!;
    const over = covered.filter(({ units }) => units && units.from <= from && to <= units.to).map(({ span }) => span);
    return { value: value.slice(from, to), spans: over.sort(outerFirst) };
  });
}

function outerFirst(a: HighlightSpan, b: HighlightSpan): number {
  return a.start - b.start || b.end - a.end || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/** Each span's first and last segment in document order. */
function spanEnds(segmentLists: Segment[][]): { first: Map<string, Segment>; last: Map<string, Segment> } {
  const first = new Map<string, Segment>();
  const last = new Map<string, Segment>();
  for (const segment of segmentLists.flat()) {
    for (const span of segment.spans) {
      if (!first.has(span.id)) first.set(span.id, segment);
      last.set(span.id, segment);
    }
  }
  return { first, last };
}

function renderSegment(segment: Segment, ends: ReturnType<typeof spanEnds>): ElementContent[] {
  let content: ElementContent[] = [{ type: "text", value: segment.value }];
  for (let depth = segment.spans.length; depth >= 1; depth--) {
    const span = segment.spans[depth - 1]!;
    const opening = ends.first.get(span.id) === segment ? [screenReaderNote(`Marked: ${span.label ?? span.tag}, ${span.severity}. `)] : [];
    const closing = ends.last.get(span.id) === segment ? closingAnnotations(span) : [];
    content = [markElement(span, depth, [...opening, ...content, ...closing])];
  }
  return content;
}

function markElement(span: HighlightSpan, depth: number, children: ElementContent[]): Element {
  return {
    type: "element",
    tagName: "mark",
    properties: {
      className: [
        "critique-mark",
        `critique-tag-${tagSlug(span.tag)}`,
        `critique-severity-${span.severity}`,
        ...(span.colour ? [`critique-colour-${span.colour}`] : []),
      ],
      dataSpanId: span.id,
      dataTag: span.tag,
      dataSeverity: span.severity,
      dataSpanDepth: depth,
    },
    children,
  };
}

function closingAnnotations(span: HighlightSpan): ElementContent[] {
  const note = screenReaderNote(" (end of mark)");
  if (!span.marker) return [note];
  const marker: Element = {
    type: "element",
    tagName: "sup",
    properties: { ariaHidden: "true", dataCritiqueAnnotation: "", className: ["critique-marker"] },
    children: [{ type: "text", value: span.marker }],
  };
  return [marker, note];
}

function screenReaderNote(value: string): Element {
  return {
    type: "element",
    tagName: "span",
    properties: { className: ["sr-only"], dataCritiqueAnnotation: "" },
    children: [{ type: "text", value }],
  };
}

/** A tag as a class-name part: lowercase letters, digits and dashes ("Wrong dose or unit" → "wrong-dose-or-unit"). */
export function tagSlug(tag: string): string {
  return tag
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-|-$/g, "");
}
