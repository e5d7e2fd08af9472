"use client";

import { sendBackAction } from "@/app/(app)/projects/[slug]/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

/** Asks the annotation queue for more human rankings of one prompt than the project's k. */
export function SendBackForm({ slug, promptId, extraRankings }: { slug: string; promptId: string; extraRankings: number }) {
  const { state, onSubmit, pending } = useFormSubmit(sendBackAction.bind(null, slug, promptId));
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-end gap-3">
      <label className="text-sm font-medium">
        More rankings wanted
        <input name="extra" type="number" min={1} max={10} defaultValue={1} className={`${inputClass} w-24`} />
      </label>
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Sending…" : "Send back for more rankings"}
      </button>
      {extraRankings > 0 && <span className="text-sm text-slate-600">Already wants {extraRankings} beyond k.</span>}
      <div className="w-full">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
