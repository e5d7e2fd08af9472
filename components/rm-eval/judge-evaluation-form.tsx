"use client";

import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { createJudgeEvaluationAction } from "@/app/(app)/leaderboards/actions";
import { JudgeModelFields, type JudgeChoices } from "@/components/runs/judge-model-fields";
import { RunLimitFields } from "@/components/runs/run-filter-fields";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

/** An LLM endpoint evaluated as a generative judge on the leaderboard's pairs; the page shows its row once started. */
export function JudgeEvaluationForm({ target, id, endpoints, templates }: JudgeChoices & { target: "set" | "export"; id: string }) {
  const router = useRouter();
  const { state, onSubmit, pending } = useFormSubmit(createJudgeEvaluationAction, { resetOnSuccess: true });
  const invalid = (f: string) => (state && !state.ok && state.field === f ? true : undefined);
  const started = state?.ok ? (state.data as { runId: string }).runId : null;
  useEffect(() => {
    if (started) router.refresh();
  }, [started, router]);
  // The pairwise template first: it is written for two responses.
  const ordered = [...templates].sort((a, b) => Number(b.style === "PAIRWISE") - Number(a.style === "PAIRWISE"));
  return (
    <form onSubmit={onSubmit} className="space-y-3 p-4" aria-label="Evaluate an LLM judge">
      <input type="hidden" name="target" value={target} />
      <input type="hidden" name="id" value={id} />
      <div className="grid gap-3 md:grid-cols-3">
        <label className="text-sm font-medium">
          Name on the leaderboard
          <input name="name" required maxLength={200} placeholder="gpt-4o as judge" className={inputClass} aria-invalid={invalid("name")} />
        </label>
        <label className="text-sm font-medium md:col-span-2">
          Notes <span className="font-normal text-slate-600">(optional)</span>
          <input name="notes" maxLength={2000} className={inputClass} aria-invalid={invalid("notes")} />
        </label>
        <JudgeModelFields endpoints={endpoints} templates={ordered} invalid={invalid} pairsOnly />
      </div>
      <RunLimitFields invalid={invalid} />
      <FormMessage state={state} />
      <button type="submit" disabled={pending || endpoints.length === 0} className={buttonClass}>
        {pending ? "Starting…" : "Evaluate the judge"}
      </button>
      {endpoints.length === 0 && <p className="text-sm text-slate-600">Add an endpoint on the Judges page first.</p>}
    </form>
  );
}
