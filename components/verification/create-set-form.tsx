"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { createVerificationSetAction } from "@/app/(app)/projects/[slug]/verification/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

export interface SourceOption {
  value: string;
  label: string;
}

const STRATEGIES = ["best-random", "best-worst", "all-pairs", "topk", "quantile"];
const SAMPLINGS: [string, string][] = [
  ["random", "Random"],
  ["stratified", "Stratified by source dataset and prompt type"],
  ["category", "By category (easy / hard / length in turn)"],
  ["uncertain", "Judge-uncertain first"],
];

/** An admin makes a verification set: source, pairs, strategy, sampling, raters and the agreement rule. */
export function CreateSetForm({ slug, sources }: { slug: string; sources: SourceOption[] }) {
  const { state, onSubmit, pending } = useFormSubmit(createVerificationSetAction.bind(null, slug));
  const router = useRouter();
  const created = state?.ok ? (state.data as { id: string } | undefined)?.id : undefined;
  useEffect(() => {
    if (created) router.push(`/projects/${slug}/verification/${created}`);
  }, [created, router, slug]);
  const field = "flex flex-col gap-1 text-sm font-medium";
  return (
    <form onSubmit={onSubmit} className="grid gap-4 md:grid-cols-3" aria-describedby="create-set-help">
      <p id="create-set-help" className="text-sm text-slate-600 md:col-span-3">
        Pairs are the source&apos;s verdicts (the judge&apos;s chosen and rejected completion); clinicians vote on them blind. A set never
        changes once made: making one with the same name again makes its next version.
      </p>
      <label className={`${field} md:col-span-2`}>
        Source
        <select name="source" required className={inputClass} defaultValue={sources[0]?.value}>
          {sources.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </select>
      </label>
      <label className={field}>
        Name (optional)
        <input name="name" maxLength={200} className={inputClass} placeholder="named after the source" />
      </label>
      <label className={field}>
        Pairs
        <input name="pairs" type="number" min={1} max={100000} defaultValue={100} required className={inputClass} />
      </label>
      <label className={field}>
        Strategy (judge runs)
        <select name="strategy" className={inputClass} defaultValue="best-random">
          {STRATEGIES.map((s) => (
            <option key={s}>{s}</option>
          ))}
        </select>
      </label>
      <label className={field}>
        Sampling
        <select name="sampling" className={inputClass} defaultValue="random">
          {SAMPLINGS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label className={field}>
        Raters per pair (k)
        <input name="raters" type="number" min={1} max={5} defaultValue={2} className={inputClass} />
      </label>
      <label className={field}>
        Raters who must agree (m)
        <input name="agree" type="number" min={1} max={5} defaultValue={2} className={inputClass} />
      </label>
      <label className={field}>
        Seed
        <input name="seed" type="number" min={0} defaultValue={0} className={inputClass} />
      </label>
      <label className={field}>
        Disputed pairs
        <select name="disputed" className={inputClass} defaultValue="exclude">
          <option value="exclude">Left out of the benchmark</option>
          <option value="adjudicate">Sent to an admin to decide</option>
        </select>
      </label>
      <div className="flex items-end md:col-span-2">
        <button type="submit" disabled={pending || sources.length === 0} className={buttonClass}>
          {pending ? "Sampling pairs…" : "Create verification set"}
        </button>
      </div>
      <div className="md:col-span-3">
        <FormMessage state={state} />
      </div>
    </form>
  );
}
