"use client";

import { updateSettingsAction } from "@/app/(app)/projects/[slug]/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import type { ProjectSettings } from "@/lib/projects/update-project";

export function ProjectSettingsForm({ slug, settings }: { slug: string; settings: ProjectSettings }) {
  const { state, onSubmit, pending } = useFormSubmit(updateSettingsAction.bind(null, slug));
  const invalid = (field: string) => (state && !state.ok && state.field === field ? true : undefined);
  const number = (name: keyof ProjectSettings, label: string, props: { min: number; max: number; step?: number }) => (
    <label className="text-sm font-medium">
      {label}
      <input
        name={name}
        type="number"
        defaultValue={String(settings[name])}
        {...props}
        className={inputClass}
        aria-invalid={invalid(name)}
      />
    </label>
  );
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <label className="block text-sm font-medium">
        Name
        <input name="name" defaultValue={settings.name} className={inputClass} aria-invalid={invalid("name")} />
      </label>
      <div className="grid gap-3 md:grid-cols-4">
        {number("overlapK", "Rankings per prompt (k)", { min: 1, max: 100 })}
        {number("leaseMinutes", "Lease (minutes)", { min: 1, max: 10080 })}
        {number("editWindowMinutes", "Edit window (minutes)", { min: 0, max: 525600 })}
        {number("goldRate", "Gold rate (0–1)", { min: 0, max: 1, step: 0.01 })}
      </div>
      <div className="flex flex-wrap gap-6 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="allowTies" defaultChecked={settings.allowTies} /> Allow ties
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="showReference" defaultChecked={settings.showReference} /> Show reference answers to clinicians
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="specialtyMatching" defaultChecked={settings.specialtyMatching} /> Match prompt tags to
          clinicians&apos; specialties
        </label>
      </div>
      <label className="block text-sm font-medium">
        Queue order
        <select name="queueOrder" defaultValue={settings.queueOrder} className={inputClass} aria-describedby="queue-order-help">
          <option value="completion">Prompts closest to k rankings first</option>
          <option value="judge-uncertain">Prompts the judge is least sure about first</option>
        </select>
        <span id="queue-order-help" className="mt-1 block font-normal text-slate-600">
          Judge-uncertain: by the latest judge run&apos;s position flips, its gap between best and runner-up, and clinicians who disagree
          with it; recomputed by the worker within 5 minutes of new rankings. Prompts it has not judged come after.
        </span>
      </label>
      <label className="block text-sm font-medium">
        Guidelines (Markdown)
        <textarea name="guidelines" rows={6} defaultValue={settings.guidelines} className={inputClass} />
      </label>
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Saving…" : "Save settings"}
      </button>
    </form>
  );
}
