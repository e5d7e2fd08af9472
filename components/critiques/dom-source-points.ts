import { ANNOTATION_ATTRIBUTE, mapStampedText, type SourceStamp } from "@/lib/critiques/rehype-source-offsets";
import { coveredRenderedUnits, type CodePointRange } from "@/lib/critiques/source-map";
import { stampedSelectionToSource, type SourceSelection, type StampedPoint, type StampedText } from "@/lib/critiques/stamped-selection";

const STAMP_SELECTOR = "[data-source-start]";
const ANNOTATION_SELECTOR = `[${ANNOTATION_ATTRIBUTE}]`;

/**
 * The source range of a DOM Range over a source-mapped rendering (`root` holds the output of
 * `sourceMappedMarkdownOptions`, `source` the Markdown it rendered), or null when the range covers
 * no source text but whitespace. Each boundary becomes a point in the stamped texts: inside a
 * stamped `<span>`, the number of its mapped characters before the boundary (the highlighter's
 * annotations do not count); elsewhere (between blocks, in a generated label, an image placeholder)
 * the start moves to the next stamped text and the end back to the previous one. The rest is
 * `stampedSelectionToSource`. A range reaching outside `root` is cut at root's edges.
 */
export function domRangeToSource(root: HTMLElement, source: string, range: Range): SourceSelection | null {
  if (!range.intersectsNode(root)) return null;
  const clipped = range.cloneRange();
  if (!root.contains(clipped.startContainer)) clipped.setStart(root, 0);
  if (!root.contains(clipped.endContainer)) clipped.setEnd(root, root.childNodes.length);
  const elements = Array.from(root.querySelectorAll<HTMLElement>(STAMP_SELECTOR));
  const texts: StampedText[] = elements.map((element) => ({ value: mappedText(element), stamp: domStamp(element) }));
  const start = pointOf(elements, clipped.startContainer, clipped.startOffset, "start");
  const end = pointOf(elements, clipped.endContainer, clipped.endOffset, "end");
  return start && end ? stampedSelectionToSource(source, texts, start, end) : null;
}

/** `domRangeToSource` of the window's current selection, or null without one (or a collapsed one). */
export function windowSelectionToSource(root: HTMLElement, source: string): SourceSelection | null {
  const selection = root.ownerDocument.defaultView?.getSelection();
  if (!selection || selection.rangeCount === 0 || selection.isCollapsed) return null;
  return domRangeToSource(root, source, selection.getRangeAt(0));
}

function domStamp(element: HTMLElement): SourceStamp {
  return {
    start: Number(element.dataset.sourceStart),
    end: Number(element.dataset.sourceEnd),
    literal: element.dataset.sourceLiteral !== undefined,
  };
}

/** The text nodes of a stamped element that are source text (not inside the highlighter's annotations). */
function mappedTextNodes(element: HTMLElement): Text[] {
  const walker = element.ownerDocument.createTreeWalker(element, NodeFilter.SHOW_TEXT);
  const nodes: Text[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const annotation = node.parentElement?.closest(ANNOTATION_SELECTOR);
    if (!annotation || !element.contains(annotation)) nodes.push(node as Text);
  }
  return nodes;
}

function mappedText(element: HTMLElement): string {
  return mappedTextNodes(element)
    .map((node) => node.data)
    .join("");
}

function pointOf(elements: HTMLElement[], container: Node, offset: number, side: "start" | "end"): StampedPoint | null {
  const probe = container.ownerDocument!.createRange();
  probe.setStart(container, offset);
  probe.collapse(true);
  const element = (container instanceof Element ? container : container.parentElement)?.closest<HTMLElement>(STAMP_SELECTOR);
  const index = element ? elements.indexOf(element) : -1;
  if (element && index >= 0) return { index, offset: mappedOffset(element, probe, container, offset) };
  if (side === "start") {
    const next = elements.findIndex((candidate) => probe.comparePoint(candidate, 0) >= 0);
    return next >= 0 ? { index: next, offset: 0 } : null;
  }
  const previous = elements.findLastIndex((candidate) => probe.comparePoint(candidate, candidate.childNodes.length) <= 0);
  return previous >= 0 ? { index: previous, offset: mappedText(elements[previous]!).length } : null;
}

/** How many mapped characters of `element` lie before the point `probe` (collapsed at `container`, `offset`). */
function mappedOffset(element: HTMLElement, probe: Range, container: Node, offset: number): number {
  let before = 0;
  for (const node of mappedTextNodes(element)) {
    if (node === container) return before + offset;
    if (probe.comparePoint(node, node.data.length) <= 0) before += node.data.length;
  }
  return before;
}

/**
 * The DOM Range over the rendered characters a source range covers (`coveredRenderedUnits` of each
 * stamped text, as the highlighter marks them), or null when it covers none. With
 * `selectSourceRange` a keyboard selection kept as source offsets (`extendSelectionBySentence`) is
 * shown as the window selection, and `windowSelectionToSource` reads it back.
 */
export function sourceRangeToDomRange(root: HTMLElement, source: string, range: CodePointRange): Range | null {
  const chars = Array.from(source);
  let start: { node: Text; offset: number } | null = null;
  let end: { node: Text; offset: number } | null = null;
  for (const element of root.querySelectorAll<HTMLElement>(STAMP_SELECTOR)) {
    const nodes = mappedTextNodes(element);
    const value = nodes.map((node) => node.data).join("");
    const covered = value.length > 0 ? coveredRenderedUnits(mapStampedText(chars, value, domStamp(element)), range) : null;
    if (!covered) continue;
    start ??= domPosition(nodes, covered.from, "start");
    end = domPosition(nodes, covered.to, "end");
  }
  if (!start || !end) return null;
  const domRange = root.ownerDocument.createRange();
  domRange.setStart(start.node, start.offset);
  domRange.setEnd(end.node, end.offset);
  return domRange;
}

/** Makes the window selection the rendered characters `range` covers (clears it when none). */
export function selectSourceRange(root: HTMLElement, source: string, range: CodePointRange): void {
  const selection = root.ownerDocument.defaultView?.getSelection();
  if (!selection) return;
  selection.removeAllRanges();
  const domRange = sourceRangeToDomRange(root, source, range);
  if (domRange) selection.addRange(domRange);
}

/** The text node and offset of mapped character boundary `offset`: a start in the node after it, an end in the node before it. */
function domPosition(nodes: Text[], offset: number, side: "start" | "end"): { node: Text; offset: number } | null {
  let before = 0;
  for (const node of nodes) {
    const inside = side === "start" ? offset < before + node.data.length : offset <= before + node.data.length;
    if (inside) return { node, offset: offset - before };
    before += node.data.length;
  }
  return null;
}
