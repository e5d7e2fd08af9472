"use client";

import { useEffect, useRef } from "react";
import { SafeMarkdown } from "@/components/markdown/safe-markdown";

/** Focus mode (one candidate) and compare mode (two side by side), as a modal dialog. */
export function CandidateViewer({
  title,
  candidates,
  onClose,
}: {
  title: string;
  candidates: { id: string; label: number; text: string }[];
  onClose: () => void;
}) {
  const close = useRef<HTMLButtonElement>(null);
  useEffect(() => close.current?.focus(), []);
  return (
    <div
      role="dialog"
      aria-modal="true"
      aria-label={title}
      className="fixed inset-0 z-40 flex items-stretch justify-center bg-black/60 p-2 sm:p-6"
      onKeyDown={(e) => e.key === "Escape" && onClose()}
    >
      <div className="flex w-full max-w-7xl flex-col rounded-lg bg-white shadow-xl">
        <div className="flex items-center justify-between border-b border-slate-200 px-4 py-2">
          <h2 className="font-semibold">{title}</h2>
          <button ref={close} type="button" onClick={onClose} className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-50">
            Close
          </button>
        </div>
        <div className={`grid min-h-0 flex-1 gap-4 overflow-hidden p-4 ${candidates.length > 1 ? "md:grid-cols-2" : ""}`}>
          {candidates.map((c) => (
            <section key={c.id} aria-label={`Response ${c.label}`} className="flex min-h-0 flex-col">
              <h3 className="mb-2 font-semibold">Response {c.label}</h3>
              <div className="min-h-0 flex-1 overflow-y-auto rounded border border-slate-200 p-3">
                <SafeMarkdown text={c.text} />
              </div>
            </section>
          ))}
        </div>
      </div>
    </div>
  );
}
