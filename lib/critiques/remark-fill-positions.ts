import type { Nodes, Parent, Root } from "mdast";
import type { Point, Position } from "unist";
import { offsetConverter, renderedToSource } from "@/lib/critiques/source-map";

/**
 * A remark plugin, run after remark-breaks: gives a source position to the Markdown nodes that
 * lost theirs. remark-breaks (and GFM's autolink literals) split a text node into new nodes that
 * carry no position, so a line after a single line break could not be mapped to its source. Each
 * run of such nodes lies between its positioned neighbours (or its parent's edges); its text nodes
 * are matched in order inside that window (`renderedToSource`) and get the range they match, a
 * break takes the line ending it stands for. Nodes whose text matches nothing keep no position.
 * The rendered output does not change: only `position` is added.
 */
export function remarkFillPositions() {
  return (tree: Root, file: { value: unknown }) => {
    const source = String(file.value);
    fillChildren(tree, new SourceIndex(source));
  };
}

function fillChildren(parent: Parent, index: SourceIndex): void {
  const children = parent.children as Nodes[];
  let run: Nodes[] = [];
  let windowStart = parent.position?.start.offset ?? 0;
  const flush = (windowEnd: number) => {
    if (run.length > 0 && parent.position) fillRun(run, windowStart, windowEnd, index);
    run = [];
  };
  for (const child of children) {
    if (child.position) {
      flush(child.position.start.offset ?? windowStart);
      windowStart = child.position.end.offset ?? windowStart;
    } else {
      run.push(child);
    }
    if ("children" in child) fillChildren(child, index);
  }
  flush(parent.position?.end.offset ?? windowStart);
}

/** Positions the nodes of `run` in order inside `[start, end)` (UTF-16 offsets); returns where the run ended. */
function fillRun(run: Nodes[], start: number, end: number, index: SourceIndex): number {
  let cursor = start;
  for (const node of run) {
    if (node.position) {
      cursor = node.position.end.offset ?? cursor;
    } else if (node.type === "text") {
      cursor = fillText(node, cursor, end, index);
    } else if (node.type === "break") {
      const lineEnding = /\r?\n|\r/.exec(index.source.slice(cursor, end));
      if (lineEnding) cursor += lineEnding.index + lineEnding[0].length;
    } else if ("children" in node) {
      const childStart = cursor;
      cursor = fillRun(node.children as Nodes[], cursor, end, index);
      if (cursor > childStart) node.position = index.position(childStart, cursor);
    }
  }
  return cursor;
}

function fillText(node: Nodes & { value: string }, cursor: number, end: number, index: SourceIndex): number {
  const { converter, source } = index;
  const sliceStart = converter.toCodePoint(cursor);
  const map = renderedToSource(node.value, source.slice(cursor, end), sliceStart);
  const matched = map.units.filter((unit) => unit.start < unit.end);
  if (matched.length === 0) return cursor;
  const from = converter.toUtf16(matched[0]!.start);
  const to = converter.toUtf16(matched[matched.length - 1]!.end);
  node.position = index.position(from, to);
  return to;
}

/** The source with its line starts, to build unist positions (line and column are 1-based). */
class SourceIndex {
  readonly converter;
  private readonly lineStarts: number[] = [0];

  constructor(readonly source: string) {
    this.converter = offsetConverter(source);
    for (const match of source.matchAll(/\r?\n|\r/g)) this.lineStarts.push(match.index + match[0].length);
  }

  position(start: number, end: number): Position {
    return { start: this.point(start), end: this.point(end) };
  }

  private point(offset: number): Point {
    // The last line starting at or before `offset` (binary search).
    let low = 0;
    let high = this.lineStarts.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (this.lineStarts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.lineStarts[low]! + 1, offset };
  }
}
