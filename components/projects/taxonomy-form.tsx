"use client";

import { saveTaxonomyAction } from "@/app/(app)/projects/[slug]/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import { CRITIQUE_COLOURS } from "@/lib/critiques/taxonomy";

/** The project's critique taxonomy as lines `key | label | colour | marker`; saving adds the next version. */
export function TaxonomyForm({ slug, lines, version }: { slug: string; lines: string; version: number }) {
  const { state, onSubmit, pending } = useFormSubmit(saveTaxonomyAction.bind(null, slug));
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <p className="text-sm text-slate-700">
        {version === 0 ? "MedPref's default taxonomy (never edited)." : `Version ${version}.`} One tag per line:{" "}
        <code>key | label | colour | marker</code>. Colours: {CRITIQUE_COLOURS.join(", ")}. The marker (1–3 characters) shows at each
        highlight, so tags differ without colour. Keep the <code>other</code> tag.
      </p>
      <label className="block text-sm font-medium">
        Tags
        <textarea
          name="lines"
          rows={11}
          defaultValue={lines}
          spellCheck={false}
          className={`${inputClass} font-mono text-xs`}
          aria-invalid={state && !state.ok ? true : undefined}
        />
      </label>
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Saving…" : "Save as a new version"}
      </button>
    </form>
  );
}
