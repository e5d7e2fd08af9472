import type { ElementContent, Root, RootContent } from "hast";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ReactMarkdown from "react-markdown";
import { sourceMappedMarkdownOptions } from "@/components/critiques/source-mapped-options";
import type { HighlightSpan } from "@/lib/critiques/rehype-critique-marks";
import { readStamp } from "@/lib/critiques/rehype-source-offsets";
import { stampedSelectionToSource, type SourceSelection, type StampedPoint, type StampedText } from "@/lib/critiques/stamped-selection";

/** What a source-mapped render produced: the final hast tree, the HTML, and the stamped texts in order. */
export interface MappedRender {
  tree: Root;
  html: string;
  texts: StampedText[];
}

/** Renders `source` as the candidate view does (ReactMarkdown with the source-mapped options) and captures the tree. */
export function renderMapped(source: string, spans: readonly HighlightSpan[] = []): MappedRender {
  const options = sourceMappedMarkdownOptions(spans);
  let tree: Root = { type: "root", children: [] };
  const capture = () => (captured: Root) => {
    tree = structuredClone(captured);
  };
  const html = renderToStaticMarkup(
    createElement(ReactMarkdown, { ...options, rehypePlugins: [...options.rehypePlugins, capture] }, source),
  );
  return { tree, html, texts: stampedTexts(tree) };
}

function stampedTexts(tree: Root): StampedText[] {
  const texts: StampedText[] = [];
  const walk = (children: (RootContent | ElementContent)[]) => {
    for (const child of children) {
      if (child.type !== "element") continue;
      const stamp = readStamp(child.properties);
      if (stamp) texts.push({ value: sourceTextOf(child.children), stamp });
      else walk(child.children);
    }
  };
  walk(tree.children);
  return texts;
}

/** The text of `children` without the highlighter's annotations (what a selection maps). */
export function sourceTextOf(children: ElementContent[]): string {
  return children
    .map((child) => {
      if (child.type === "text") return child.value;
      if (child.type === "element" && child.properties.dataCritiqueAnnotation === undefined) return sourceTextOf(child.children);
      return "";
    })
    .join("");
}

/** The rendered text a selection sees: the stamped texts' values joined in document order. */
export function renderedText(render: MappedRender): string {
  return render.texts.map((text) => text.value).join("");
}

/** Selects rendered characters `[from, to)` (UTF-16 indices into `renderedText`) as a DOM Range would and maps it to the source. */
export function selectRendered(source: string, render: MappedRender, from: number, to: number): SourceSelection | null {
  return stampedSelectionToSource(source, render.texts, pointAt(render, from, "start"), pointAt(render, to, "end"));
}

/** Selects the `occurrence`-th (0-based) appearance of `word` in the rendered text. */
export function selectWord(source: string, render: MappedRender, word: string, occurrence = 0): SourceSelection | null {
  const text = renderedText(render);
  let at = -1;
  for (let seen = 0; seen <= occurrence; seen++) {
    at = text.indexOf(word, at + 1);
    if (at < 0) throw new Error(`"${word}" is not rendered ${occurrence + 1} times in ${JSON.stringify(text)}`);
  }
  return selectRendered(source, render, at, at + word.length);
}

/** The stamped point of a rendered boundary: a start lies in the text holding the character after it, an end in the one holding the character before it. */
function pointAt(render: MappedRender, boundary: number, side: "start" | "end"): StampedPoint {
  let before = 0;
  for (const [index, text] of render.texts.entries()) {
    const inside = side === "start" ? boundary < before + text.value.length : boundary <= before + text.value.length;
    if (inside) return { index, offset: boundary - before };
    before += text.value.length;
  }
  const last = render.texts.length - 1;
  return { index: last, offset: render.texts[last]?.value.length ?? 0 };
}

/** The text inside the marks of span `id` (annotations left out), in document order. */
export function markedText(tree: Root, id: string): string {
  const parts: string[] = [];
  const walk = (children: (RootContent | ElementContent)[], inside: boolean) => {
    for (const child of children) {
      if (child.type === "text" && inside) parts.push(child.value);
      if (child.type !== "element" || child.properties.dataCritiqueAnnotation !== undefined) continue;
      walk(child.children, inside || (child.tagName === "mark" && child.properties.dataSpanId === id));
    }
  };
  walk(tree.children, false);
  return parts.join("");
}
