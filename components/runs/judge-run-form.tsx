"use client";

import { createJudgeRunAction } from "@/app/(app)/runs/actions";
import { JudgeModelFields, type JudgeChoices } from "@/components/runs/judge-model-fields";
import { RunFilterFields } from "@/components/runs/run-filter-fields";
import { useOpenCreatedRun } from "@/components/runs/use-open-created-run";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

export interface RunFormOptions extends JudgeChoices {
  projects: { slug: string; name: string }[];
}

export function JudgeRunForm({ projects, endpoints, templates }: RunFormOptions) {
  const { state, onSubmit, pending } = useFormSubmit(createJudgeRunAction);
  const invalid = (f: string) => (state && !state.ok && state.field === f ? true : undefined);
  useOpenCreatedRun(state);
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label="New judge run">
      <div className="grid gap-3 md:grid-cols-3">
        <label className="text-sm font-medium">
          Project
          <select name="project" required className={inputClass} aria-invalid={invalid("projectSlug")}>
            {projects.map((p) => (
              <option key={p.slug} value={p.slug}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium">
          Run name
          <input name="name" required className={inputClass} aria-invalid={invalid("name")} />
        </label>
        <label className="text-sm font-medium">
          Mode
          <select name="mode" className={inputClass} aria-invalid={invalid("mode")}>
            <option value="REALTIME">Real-time calls</option>
            <option value="BATCH">OpenAI Batch (half price, within 24 h)</option>
          </select>
        </label>
        <JudgeModelFields endpoints={endpoints} templates={templates} invalid={invalid} />
        <label className="text-sm font-medium">
          Permutations per prompt
          <input
            name="permutations"
            type="number"
            min={1}
            max={8}
            defaultValue={2}
            className={inputClass}
            aria-invalid={invalid("permutations")}
          />
        </label>
      </div>
      <RunFilterFields invalid={invalid} />
      <FormMessage state={state} />
      <button type="submit" disabled={pending || endpoints.length === 0} className={buttonClass}>
        {pending ? "Starting…" : "Start judge run"}
      </button>
      {endpoints.length === 0 && <p className="text-sm text-slate-600">Add an endpoint on the Judges page first.</p>}
    </form>
  );
}
