"use client";

import { assignBatchAction } from "@/app/(app)/projects/[slug]/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

export function AssignBatchForm({ slug, clinicians }: { slug: string; clinicians: { id: string; name: string; email: string }[] }) {
  const { state, onSubmit, pending } = useFormSubmit(assignBatchAction.bind(null, slug));
  if (clinicians.length === 0) return <p className="text-sm text-slate-600">No active clinicians yet: invite some on the Users page.</p>;
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <fieldset className="flex flex-wrap gap-x-6 gap-y-1 text-sm">
        <legend className="mb-1 font-medium">Clinicians</legend>
        {clinicians.map((c) => (
          <label key={c.id} className="flex items-center gap-2">
            <input type="checkbox" name="clinicians" value={c.id} /> {c.name} <span className="text-slate-500">{c.email}</span>
          </label>
        ))}
      </fieldset>
      <label className="block max-w-xs text-sm font-medium">
        Prompts per clinician
        <input name="count" type="number" min={1} max={1000} defaultValue={10} className={inputClass} />
      </label>
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Assigning…" : "Assign"}
      </button>
    </form>
  );
}
