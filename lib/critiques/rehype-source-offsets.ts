import type { Element, ElementContent, Root, RootContent } from "hast";
import { sliceCodePoints } from "@/lib/critiques/code-points";
import { offsetConverter, renderedToSource, type CodePointRange, type RenderedSourceMap } from "@/lib/critiques/source-map";

/**
 * The source window of one rendered text node, as stamped on the `<span>` wrapping it:
 * `data-source-start`/`data-source-end` (code points into the Markdown source) and
 * `data-source-literal` when the text is code (escapes and references shown as written).
 */
export interface SourceStamp extends CodePointRange {
  literal: boolean;
}

/** The attribute marking elements the highlighter adds (notes for screen readers, markers): not source text. */
export const ANNOTATION_ATTRIBUTE = "data-critique-annotation";

/**
 * A rehype plugin, run after rehype-sanitize (so nothing strips what it adds): wraps every rendered
 * text node that comes from the source in `<span data-source-start data-source-end>` giving the
 * code-point window of the source it was matched in (see `SourceStamp`). The window is the node's own
 * position, or else the part of its nearest positioned ancestor after the previous mapped text, and
 * is narrowed to the characters matched (`renderedToSource`), so the map is the same wherever it is
 * recomputed from the stamp (`mapStampedText`). Not wrapped: text matching nothing in the source
 * (generated: footnote labels, back-references) and whitespace-only text without a position of its
 * own (line endings between block elements, which React drops inside tables). A fenced code block's
 * window starts after its opening fence line, so the info string is never taken for code.
 *
 * Which hast text nodes carry a position (mdast-util-to-hast 13, checked in its handlers): text,
 * emphasis, strong, link text, heading and table-cell text do (their value is decoded — escapes,
 * references — and `trimLines`'d); inline code does, over its backticks (a line ending in it
 * renders as a space); a code block's text does not (its `<code>` does, over the fences); the
 * pieces remark-breaks and GFM autolink literals split off do not (`remarkFillPositions` fills
 * them in), nor the `"\n"` after each `<br>` and between blocks, a footnote reference's number
 * (mapped inside its `[^label]`), the footnote section's label and back-references (unmapped).
 */
export function rehypeSourceOffsets() {
  return (tree: Root, file: { value: unknown }) => {
    const source = String(file.value);
    const walk = new StampWalk(source);
    walk.children(tree.children, []);
  };
}

class StampWalk {
  private readonly converter;
  private readonly chars: string[];
  /** End (code points) of the last mapped text: later text without a position is looked for after it. */
  private cursor = 0;

  constructor(source: string) {
    this.converter = offsetConverter(source);
    this.chars = Array.from(source);
  }

  children(children: (RootContent | ElementContent)[], ancestors: Element[]): void {
    children.forEach((child, index) => {
      if (child.type === "element") this.children(child.children, [...ancestors, child]);
      if (child.type === "text") {
        const stamp = this.stamp(child.value, child.position, ancestors);
        if (stamp) children[index] = stampElement(stamp, child);
      }
    });
  }

  private stamp(value: string, position: Element["position"], ancestors: Element[]): SourceStamp | null {
    if (value.length === 0 || (!position && value.trim() === "")) return null;
    const literal = ancestors.some((element) => element.tagName === "code");
    const window = position ? this.range(position) : this.ancestorWindow(ancestors);
    if (!window) return null;
    const slice = this.chars.slice(window.start, window.end).join("");
    const matched = renderedToSource(value, slice, window.start, { literal }).units.filter((unit) => unit.start < unit.end);
    if (matched.length === 0) return null;
    const stamp = { start: matched[0]!.start, end: matched[matched.length - 1]!.end, literal };
    this.cursor = stamp.end;
    return stamp;
  }

  private ancestorWindow(ancestors: Element[]): CodePointRange | null {
    const index = ancestors.findLastIndex((element) => element.position);
    if (index < 0) return null;
    const ancestor = ancestors[index]!;
    const range = this.range(ancestor.position!);
    const start = this.cursor > range.start && this.cursor <= range.end ? this.cursor : range.start;
    const isCodeBlock = ancestor.tagName === "code" && ancestors[index - 1]?.tagName === "pre";
    return { start: isCodeBlock ? this.afterFenceLine(start, range.end) : start, end: range.end };
  }

  private afterFenceLine(start: number, end: number): number {
    const block = this.chars.slice(start, end).join("");
    const fence = /^[ \t]*(?:`{3,}|~{3,})[^\n]*\n/.exec(block);
    return fence ? start + Array.from(fence[0]).length : start;
  }

  private range(position: NonNullable<Element["position"]>): CodePointRange {
    return {
      start: this.converter.toCodePoint(position.start.offset ?? 0),
      end: this.converter.toCodePoint(position.end.offset ?? 0),
    };
  }
}

function stampElement(stamp: SourceStamp, text: ElementContent): Element {
  return {
    type: "element",
    tagName: "span",
    properties: { dataSourceStart: stamp.start, dataSourceEnd: stamp.end, dataSourceLiteral: stamp.literal ? "" : undefined },
    children: [text],
  };
}

/** The stamp of a `<span>` this plugin added, or null for any other element. */
export function readStamp(properties: Element["properties"]): SourceStamp | null {
  const start = Number(properties.dataSourceStart);
  const end = Number(properties.dataSourceEnd);
  if (properties.dataSourceStart === undefined || !Number.isInteger(start) || !Number.isInteger(end)) return null;
  return { start, end, literal: properties.dataSourceLiteral !== undefined && properties.dataSourceLiteral !== null };
}

/**
 * The source map of a stamped text (its full rendered value, `text`), recomputed from its stamp: the
 * one alignment rule. `source` is the Markdown source, or its code points (`Array.from(source)`)
 * when mapping many texts of one document.
 */
export function mapStampedText(source: string | readonly string[], text: string, stamp: SourceStamp): RenderedSourceMap {
  const slice =
    typeof source === "string" ? sliceCodePoints(source, stamp.start, stamp.end) : source.slice(stamp.start, stamp.end).join("");
  return renderedToSource(text, slice, stamp.start, { literal: stamp.literal });
}
