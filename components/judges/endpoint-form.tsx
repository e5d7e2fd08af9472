"use client";

import { createEndpointAction } from "@/app/(app)/admin/judges/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

export function EndpointForm() {
  const { state, onSubmit, pending } = useFormSubmit(createEndpointAction, { resetOnSuccess: true });
  const invalid = (f: string) => (state && !state.ok && state.field === f ? true : undefined);
  return (
    <form onSubmit={onSubmit} className="space-y-3">
      <div className="grid gap-3 md:grid-cols-3">
        <label className="text-sm font-medium">
          Name
          <input name="name" required className={inputClass} aria-invalid={invalid("name")} />
        </label>
        <label className="text-sm font-medium">
          Base URL
          <input name="baseUrl" required placeholder="https://api.openai.com/v1" className={inputClass} aria-invalid={invalid("baseUrl")} />
        </label>
        <label className="text-sm font-medium">
          Environment variable holding the API key
          <input name="apiKeyEnv" required placeholder="OPENAI_API_KEY" className={inputClass} aria-invalid={invalid("apiKeyEnv")} />
        </label>
      </div>
      <label className="block text-sm font-medium">
        Prices per 1M tokens, one model per line: <code>model = input / output</code> (USD)
        <textarea name="prices" rows={2} placeholder="gpt-4o = 2.5 / 10" className={inputClass} aria-invalid={invalid("prices")} />
      </label>
      <div className="flex gap-6 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="structured" /> Supports Structured Outputs
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="batch" /> Supports the Batch API
        </label>
      </div>
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Adding…" : "Add endpoint"}
      </button>
    </form>
  );
}
