"use client";

import { createProjectAction } from "@/app/(app)/projects/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

export function CreateProjectForm() {
  const { state, onSubmit, pending } = useFormSubmit(createProjectAction, { resetOnSuccess: true });
  const invalid = (field: string) => (state && !state.ok && state.field === field ? true : undefined);
  return (
    <form onSubmit={onSubmit} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" aria-labelledby="new-project-heading">
      <h2 id="new-project-heading" className="font-semibold">
        New project
      </h2>
      <div className="grid gap-3 md:grid-cols-3">
        <label className="text-sm font-medium">
          Name
          <input name="name" required className={inputClass} aria-invalid={invalid("name")} />
        </label>
        <label className="text-sm font-medium">
          Slug
          <input name="slug" required pattern="[a-z0-9][a-z0-9-]{1,62}" className={inputClass} aria-invalid={invalid("slug")} />
        </label>
        <label className="text-sm font-medium">
          Rankings per prompt (k)
          <input
            name="overlapK"
            type="number"
            min={1}
            max={100}
            defaultValue={3}
            className={inputClass}
            aria-invalid={invalid("overlapK")}
          />
        </label>
      </div>
      <div className="flex flex-wrap gap-6 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="allowTies" /> Allow ties
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="showReference" /> Show reference answers to clinicians
        </label>
      </div>
      <label className="block text-sm font-medium">
        Guidelines (Markdown)
        <textarea name="guidelines" rows={3} className={inputClass} />
      </label>
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Creating…" : "Create project"}
      </button>
    </form>
  );
}
