import type { ElementContent, Root, RootContent } from "hast";
import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import ReactMarkdown from "react-markdown";
import { sourceMappedMarkdownOptions } from "@/components/critiques/source-mapped-options";
import type { HighlightSpan } from "@/lib/critiques/rehype-critique-marks";
import { readStamp } from "@/lib/critiques/rehype-source-offsets";
import type { StampedText } from "@/lib/critiques/stamped-selection";

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
