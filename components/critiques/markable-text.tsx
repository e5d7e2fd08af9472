"use client";

import { useEffect, useMemo, useRef, useState } from "react";
import { SourceMappedMarkdown, type SourceMappedMarkdownHandle } from "@/components/critiques/source-mapped-markdown";
import { highlightSpansOf } from "@/lib/critiques/highlights";
import { extendSelectionBySentence, sentenceRangeAt, sentenceRanges } from "@/lib/critiques/sentences";
import type { CritiqueSpan } from "@/lib/critiques/spans";
import type { SourceSelection } from "@/lib/critiques/stamped-selection";
import { findTag, SEVERITY_LABELS, type CritiqueTaxonomy } from "@/lib/critiques/taxonomy";
import { sliceCodePoints } from "@/lib/critiques/code-points";

/** A span of this text with its place in the screen's list of spans (what edit and remove refer to). */
export interface IndexedSpan extends CritiqueSpan {
  index: number;
}

/**
 * A response's text in which the reader marks spans: select with the mouse or by touch (long press and
 * the handles), or from the keyboard with Alt+Shift+→ / Alt+Shift+← (the selection grows by a sentence),
 * then "Mark selection…" (or Alt+Shift+M). Marked spans are highlighted in place (colour by tag plus
 * the tag's marker and an underline by severity) and listed below the text, each openable to edit or remove.
 */
export function MarkableText({
  text,
  name,
  spans,
  taxonomy,
  onMark,
  onEdit,
}: {
  text: string;
  /** The response as the reader knows it ("Response 2", "Response A"). */
  name: string;
  spans: readonly IndexedSpan[];
  taxonomy: CritiqueTaxonomy;
  onMark: (selection: SourceSelection) => void;
  onEdit: (index: number) => void;
}) {
  const handle = useRef<SourceMappedMarkdownHandle>(null);
  const box = useRef<HTMLDivElement>(null);
  const [selection, setSelection] = useState<SourceSelection | null>(null);
  // Keyed by content: the screen passes a new array on every render, and a new highlight list re-renders
  // the text (its nodes replaced, the reader's selection lost).
  const spansKey = JSON.stringify(spans);
  // eslint-disable-next-line react-hooks/exhaustive-deps -- spansKey stands for spans
  const highlights = useMemo(() => highlightSpansOf(spans, taxonomy, (s) => `span-${s.index}`), [spansKey, taxonomy]);

  // The selection inside this text, kept as it changes: pressing the button must not lose it.
  useEffect(() => {
    const onChange = () => {
      const inside = handle.current?.getSelectionSourceRange() ?? null;
      const sel = document.getSelection();
      if (inside) setSelection(inside);
      else if (!sel || sel.isCollapsed || (box.current && sel.anchorNode && box.current.contains(sel.anchorNode))) setSelection(null);
    };
    document.addEventListener("selectionchange", onChange);
    return () => document.removeEventListener("selectionchange", onChange);
  }, []);

  function growBySentence(direction: "forward" | "backward") {
    const current = selection ?? handle.current?.getSelectionSourceRange() ?? null;
    let next;
    if (current) next = extendSelectionBySentence(text, current, direction);
    else next = direction === "forward" ? sentenceRangeAt(text, 0) : sentenceRanges(text).at(-1);
    if (!next) return;
    handle.current?.selectSourceRange(next);
    setSelection({ ...next, text: sliceCodePoints(text, next.start, next.end) });
  }

  function onKeyDown(e: React.KeyboardEvent) {
    if (!e.altKey || !e.shiftKey) return;
    if (e.key === "ArrowRight" || e.key === "ArrowLeft") {
      e.preventDefault();
      e.stopPropagation();
      growBySentence(e.key === "ArrowRight" ? "forward" : "backward");
    } else if (e.code === "KeyM" && selection) {
      e.preventDefault();
      e.stopPropagation();
      onMark(selection);
    }
  }

  return (
    <>
      <div
        ref={box}
        className="max-h-[55vh] min-h-32 overflow-y-auto px-3 py-2 text-sm"
        tabIndex={0}
        aria-label={`Text of ${name}`}
        aria-keyshortcuts="Alt+Shift+ArrowRight Alt+Shift+ArrowLeft Alt+Shift+M"
        onKeyDown={onKeyDown}
      >
        <SourceMappedMarkdown ref={handle} text={text} spans={highlights} />
      </div>
      <div className="flex flex-wrap items-center gap-2 border-t border-slate-100 px-3 py-1 text-xs">
        <button
          type="button"
          disabled={!selection}
          onClick={(e) => {
            e.stopPropagation();
            if (selection) onMark(selection);
          }}
          aria-keyshortcuts="Alt+Shift+M"
          aria-label={`Mark selection in ${name}`}
          className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50 disabled:opacity-50"
        >
          Mark selection…
        </button>
        <span className="text-slate-600" aria-live="polite">
          {selection ? `Selected: “${preview(selection.text)}”` : "Select text to mark what is wrong."}
        </span>
      </div>
      {spans.length > 0 && (
        <ul aria-label={`Marked in ${name}`} className="space-y-1 border-t border-slate-100 px-3 py-2 text-xs">
          {spans.map((s) => {
            const tag = findTag(taxonomy, s.tag);
            return (
              <li key={s.index}>
                <button
                  type="button"
                  onClick={(e) => {
                    e.stopPropagation();
                    onEdit(s.index);
                  }}
                  className="w-full rounded px-1 py-0.5 text-left hover:bg-slate-50"
                  aria-label={`Edit the mark “${preview(s.text)}”: ${tag?.label ?? s.tag}, ${SEVERITY_LABELS[s.severity].label.toLowerCase()}`}
                >
                  <span aria-hidden="true" className="font-mono">
                    {tag?.marker ?? "?"}
                  </span>{" "}
                  <span className="font-medium">{tag?.label ?? s.tag}</span> · {SEVERITY_LABELS[s.severity].label} · “{preview(s.text)}”
                  {s.correction && <span className="block text-slate-600">→ {preview(s.correction)}</span>}
                </button>
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}

const preview = (text: string) => {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length > 80 ? `${flat.slice(0, 79)}…` : flat;
};
