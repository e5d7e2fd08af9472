"use client";

import { editTemplateAction } from "@/app/(app)/admin/judges/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

export function TemplateForm({
  template,
}: {
  template: { key: string; version: number; name: string; systemPrompt: string; userTemplate: string };
}) {
  const { state, onSubmit, pending } = useFormSubmit(editTemplateAction.bind(null, template.key));
  return (
    <form onSubmit={onSubmit} className="space-y-2">
      <label className="block text-sm font-medium">
        Name
        <input name="name" defaultValue={template.name} className={inputClass} />
      </label>
      <label className="block text-sm font-medium">
        System prompt
        <textarea name="systemPrompt" rows={3} defaultValue={template.systemPrompt} className={inputClass} />
      </label>
      <label className="block text-sm font-medium">
        User message (placeholders: <code>{"{{question}}"}</code> <code>{"{{reference}}"}</code> <code>{"{{responses}}"}</code>{" "}
        <code>{"{{n}}"}</code>; optional <code>{"{{critiques}}"}</code>: also ask for critique spans in the project’s taxonomy)
        <textarea name="userTemplate" rows={10} defaultValue={template.userTemplate} className={`${inputClass} font-mono text-xs`} />
      </label>
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Saving…" : `Save as version ${template.version + 1}`}
      </button>
    </form>
  );
}
