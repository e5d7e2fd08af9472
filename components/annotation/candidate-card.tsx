"use client";

import type { CandidateDetail } from "@/components/annotation/ranking-state";
import { MarkableText, type IndexedSpan } from "@/components/critiques/markable-text";
import type { SourceSelection } from "@/lib/critiques/stamped-selection";
import type { CritiqueTaxonomy } from "@/lib/critiques/taxonomy";
import { CANDIDATE_FLAGS, SCORE_LEVELS } from "@/lib/ranking/rubric";

interface Props {
  id: string;
  label: number;
  text: string;
  place: number | null;
  detail: CandidateDetail;
  selected: boolean;
  comparing: boolean;
  error?: string;
  /** This candidate's marked spans, and the taxonomy they are marked in. */
  spans: readonly IndexedSpan[];
  taxonomy: CritiqueTaxonomy;
  onMark: (selection: SourceSelection) => void;
  onEditSpan: (index: number) => void;
  onSelect: () => void;
  onPlace: () => void;
  onUnrank: () => void;
  onFocus: () => void;
  onCompare: () => void;
  onDetail: (patch: Partial<CandidateDetail>) => void;
}

const ordinal = (n: number) =>
  `${n}${n % 10 === 1 && n % 100 !== 11 ? "st" : n % 10 === 2 && n % 100 !== 12 ? "nd" : n % 10 === 3 && n % 100 !== 13 ? "rd" : "th"}`;

export function CandidateCard(p: Props) {
  const name = `Response ${p.label}`;
  return (
    <article
      aria-label={name}
      data-selected={p.selected || undefined}
      onClick={p.onSelect}
      className={`flex min-w-0 flex-col rounded-lg border bg-white shadow-sm ${p.selected ? "border-brand-600 ring-2 ring-brand-600" : "border-slate-200"}`}
    >
      <header className="flex flex-wrap items-center gap-2 border-b border-slate-100 px-3 py-2">
        <h3 className="font-semibold">{name}</h3>
        {p.place !== null && (
          <span className="rounded-full bg-brand-100 px-2 text-xs font-medium text-brand-900">ranked {ordinal(p.place)}</span>
        )}
        <div className="ml-auto flex gap-1 text-xs">
          {p.place === null ? (
            <button
              type="button"
              onClick={(e) => {
                e.stopPropagation();
                p.onPlace();
              }}
              className="rounded bg-brand-600 px-2 py-1 font-medium text-white hover:bg-brand-700"
              aria-label={`Rank ${name} next`}
            >
              Rank next
            </button>
          ) : (
            <button
              type="button"
              onClick={(e) => {
                e.stopPropagation();
                p.onUnrank();
              }}
              className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50"
              aria-label={`Unrank ${name}`}
            >
              Unrank
            </button>
          )}
          <button
            type="button"
            onClick={(e) => {
              e.stopPropagation();
              p.onFocus();
            }}
            className="rounded border border-slate-300 px-2 py-1 hover:bg-slate-50"
            aria-label={`Read ${name} in focus mode`}
          >
            Focus
          </button>
          <button
            type="button"
            aria-pressed={p.comparing}
            onClick={(e) => {
              e.stopPropagation();
              p.onCompare();
            }}
            className={`rounded border px-2 py-1 ${p.comparing ? "border-brand-600 bg-brand-50" : "border-slate-300 hover:bg-slate-50"}`}
            aria-label={`Compare ${name}`}
          >
            Compare
          </button>
        </div>
      </header>
      <MarkableText text={p.text} name={name} spans={p.spans} taxonomy={p.taxonomy} onMark={p.onMark} onEdit={p.onEditSpan} />
      <footer className="space-y-2 border-t border-slate-100 px-3 py-2 text-sm" onClick={(e) => e.stopPropagation()}>
        {p.error && (
          <p role="alert" className="rounded bg-red-50 px-2 py-1 text-red-800">
            {p.error}
          </p>
        )}
        <label className="flex items-center gap-2">
          <span className="shrink-0">Score</span>
          <select
            aria-label={`Score for ${name}`}
            value={p.detail.score ?? ""}
            onChange={(e) => p.onDetail({ score: e.target.value ? Number(e.target.value) : null })}
            className="min-w-0 flex-1 rounded border border-slate-300 px-1 py-1"
          >
            <option value="">No score</option>
            {SCORE_LEVELS.map((l) => (
              <option key={l.score} value={l.score} title={l.help}>
                {l.score} · {l.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset className="flex flex-wrap gap-x-4 gap-y-2">
          <legend className="sr-only">Flags for {name}</legend>
          {CANDIDATE_FLAGS.map((f) => (
            <label key={f.value} className="flex items-center gap-1 text-xs">
              <input
                type="checkbox"
                // 20 px boxes 8 px apart: touch targets of at least 24 px (WCAG 2.2 target size).
                className="h-5 w-5 shrink-0"
                aria-label={`${name}: ${f.label}`}
                checked={p.detail.flags.includes(f.value)}
                onChange={(e) =>
                  p.onDetail({ flags: e.target.checked ? [...p.detail.flags, f.value] : p.detail.flags.filter((x) => x !== f.value) })
                }
              />
              {f.label}
            </label>
          ))}
        </fieldset>
        <textarea
          aria-label={`Comment on ${name}`}
          placeholder="Comment (optional)"
          rows={1}
          value={p.detail.comment}
          onChange={(e) => p.onDetail({ comment: e.target.value })}
          className="w-full rounded border border-slate-300 px-2 py-1"
        />
      </footer>
    </article>
  );
}
