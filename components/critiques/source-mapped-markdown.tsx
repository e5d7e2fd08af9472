"use client";

import { useImperativeHandle, useMemo, useRef, type Ref } from "react";
import ReactMarkdown from "react-markdown";
import { selectSourceRange, windowSelectionToSource } from "@/components/critiques/dom-source-points";
import { sourceMappedMarkdownOptions } from "@/components/critiques/source-mapped-options";
import type { HighlightSpan } from "@/lib/critiques/rehype-critique-marks";
import type { CodePointRange } from "@/lib/critiques/source-map";
import type { SourceSelection } from "@/lib/critiques/stamped-selection";

export interface SourceMappedMarkdownHandle {
  /**
   * The window selection inside this rendering as `{start, end, text}` (code points into `text`,
   * `text` the source slice, whitespace at the ends dropped), or null when nothing inside is selected.
   */
  getSelectionSourceRange(): SourceSelection | null;
  /**
   * Shows a source range (code points into `text`) as the window selection, e.g. a keyboard
   * selection grown with `extendSelectionBySentence`; `getSelectionSourceRange` reads it back.
   */
  selectSourceRange(range: CodePointRange): void;
}

/**
 * A candidate's Markdown rendered as SafeMarkdown renders it (same plugins, sanitizer and link and
 * image rules), with every rendered text mapped back to its source and `spans` highlighted in place
 * (nested `<mark>`s with a class per tag and severity and screen-reader text; see
 * `rehypeCritiqueMarks`). Pass `spans` as a stable array (memoised) to avoid re-rendering the tree.
 */
export function SourceMappedMarkdown({
  text,
  spans = NO_SPANS,
  className,
  ref,
}: {
  text: string;
  spans?: readonly HighlightSpan[];
  className?: string;
  ref?: Ref<SourceMappedMarkdownHandle>;
}) {
  const root = useRef<HTMLDivElement>(null);
  const options = useMemo(() => sourceMappedMarkdownOptions(spans), [spans]);
  useImperativeHandle(
    ref,
    () => ({
      getSelectionSourceRange: () => (root.current ? windowSelectionToSource(root.current, text) : null),
      selectSourceRange: (range) => {
        if (root.current) selectSourceRange(root.current, text, range);
      },
    }),
    [text],
  );
  return (
    <div ref={root} className={`prose-safe ${className ?? ""}`} data-source-mapped="">
      <ReactMarkdown {...options}>{text}</ReactMarkdown>
    </div>
  );
}

const NO_SPANS: readonly HighlightSpan[] = [];
