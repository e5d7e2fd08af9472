"use client";

import { adjudicatePairAction } from "@/app/(app)/projects/[slug]/verification/actions";
import { FormMessage } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

/** An admin's decision on one disputed pair: uphold or overturn the judge's verdict. */
export function AdjudicateForm({ slug, setId, pairId, label }: { slug: string; setId: string; pairId: string; label: string }) {
  const { state, onSubmit, pending } = useFormSubmit(adjudicatePairAction.bind(null, slug, setId, pairId));
  const button = "rounded-md border px-3 py-1.5 text-sm font-medium disabled:opacity-60";
  return (
    <form onSubmit={onSubmit} className="flex flex-wrap items-center gap-2" aria-label={`Decide ${label}`}>
      <button
        name="decision"
        value="VERIFIED"
        disabled={pending}
        className={`${button} border-emerald-600 text-emerald-800 hover:bg-emerald-50`}
      >
        Uphold judge
      </button>
      <button name="decision" value="OVERTURNED" disabled={pending} className={`${button} border-rose-600 text-rose-800 hover:bg-rose-50`}>
        Overturn judge
      </button>
      <FormMessage state={state} />
    </form>
  );
}
