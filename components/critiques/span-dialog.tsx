"use client";

import { useId, useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { inputClass } from "@/components/ui/form-message";
import type { CritiqueSpan } from "@/lib/critiques/spans";
import { CRITIQUE_SEVERITIES, SEVERITY_LABELS, type CritiqueSeverity, type CritiqueTaxonomy } from "@/lib/critiques/taxonomy";

/** Tag, severity, comment and suggested correction of a marked span (new or edited); its quote is shown, not editable. */
export function SpanDialog({
  title,
  span,
  taxonomy,
  onSave,
  onRemove,
  onClose,
}: {
  title: string;
  span: CritiqueSpan;
  taxonomy: CritiqueTaxonomy;
  onSave: (span: CritiqueSpan) => void;
  onRemove?: () => void;
  onClose: () => void;
}) {
  const [tag, setTag] = useState(span.tag);
  const [severity, setSeverity] = useState<CritiqueSeverity>(span.severity);
  const [comment, setComment] = useState(span.comment);
  const [correction, setCorrection] = useState(span.correction);
  const ids = { tag: useId(), comment: useId(), correction: useId() };
  return (
    <Dialog title={title} onClose={onClose}>
      <form
        className="space-y-3 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          onSave({ ...span, tag, severity, comment: comment.trim(), correction: correction.trim() });
        }}
      >
        <blockquote className="max-h-32 overflow-y-auto whitespace-pre-wrap rounded border-l-4 border-slate-300 bg-slate-50 px-3 py-2">
          {span.text}
        </blockquote>
        <label htmlFor={ids.tag} className="block font-medium">
          What is wrong
          <select id={ids.tag} data-autofocus value={tag} onChange={(e) => setTag(e.target.value)} className={inputClass}>
            {taxonomy.tags.map((t) => (
              <option key={t.key} value={t.key}>
                {t.marker} {t.label}
              </option>
            ))}
          </select>
        </label>
        <fieldset>
          <legend className="font-medium">Severity</legend>
          <div className="mt-1 flex flex-wrap gap-4">
            {CRITIQUE_SEVERITIES.map((s) => (
              <label key={s} className="flex items-center gap-1">
                <input type="radio" name="severity" className="h-5 w-5" checked={severity === s} onChange={() => setSeverity(s)} />
                {SEVERITY_LABELS[s].label}
              </label>
            ))}
          </div>
        </fieldset>
        <label htmlFor={ids.comment} className="block font-medium">
          Comment <span className="font-normal text-slate-600">(optional)</span>
          <textarea
            id={ids.comment}
            rows={2}
            maxLength={2000}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            className={inputClass}
          />
        </label>
        <label htmlFor={ids.correction} className="block font-medium">
          Suggested correction <span className="font-normal text-slate-600">(optional)</span>
          <textarea
            id={ids.correction}
            rows={2}
            maxLength={2000}
            value={correction}
            onChange={(e) => setCorrection(e.target.value)}
            className={inputClass}
          />
        </label>
        <div className="flex flex-wrap justify-end gap-2">
          {onRemove && (
            <button type="button" onClick={onRemove} className="mr-auto rounded border border-red-300 px-3 py-1 text-red-800">
              Remove mark
            </button>
          )}
          <button type="button" onClick={onClose} className="rounded border border-slate-300 px-3 py-1">
            Cancel
          </button>
          <button type="submit" className="rounded bg-brand-600 px-3 py-1 font-medium text-white">
            Save mark
          </button>
        </div>
      </form>
    </Dialog>
  );
}
