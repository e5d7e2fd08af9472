"use client";

import { useId, useState, useTransition } from "react";
import {
  archiveEndpointAction,
  restoreEndpointAction,
  testEndpointAction,
  updateEndpointAction,
} from "@/app/(app)/admin/judges/endpoint-actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import type { ActionResult } from "@/lib/actions/action-result";

export interface EndpointRowData {
  id: string;
  name: string;
  baseUrl: string;
  apiKeyEnv: string;
  keyPresent: boolean;
  /** Why the key variable is not allowed (its calls are never sent), or null. */
  keyRefused: string | null;
  supportsStructuredOutput: boolean;
  supportsBatch: boolean;
  models: string[];
  /** "model = input / output" per line, as the form edits them. */
  prices: string;
  archived: boolean;
}

const smallButton = "rounded-md border border-slate-300 px-3 py-1 text-sm disabled:opacity-60";

/** One endpoint: what it is, and Test connection, Edit, Archive (or Restore). */
export function EndpointRow({ endpoint }: { endpoint: EndpointRowData }) {
  const [editing, setEditing] = useState(false);
  const [result, setResult] = useState<ActionResult | null>(null);
  const [pending, start] = useTransition();
  const [model, setModel] = useState(endpoint.models[0] ?? "");
  const modelId = useId();
  const run = (action: () => Promise<ActionResult>) => start(async () => setResult(await action()));
  return (
    <li className="space-y-2 py-3" aria-label={endpoint.name}>
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <div className="min-w-0">
          <p className="font-medium">
            {endpoint.name}
            {endpoint.archived && (
              <span className="ml-2 rounded bg-slate-100 px-2 py-0.5 text-xs font-normal text-slate-700">archived</span>
            )}
          </p>
          <p className="break-all font-mono text-xs text-slate-600">{endpoint.baseUrl}</p>
          <p className="text-xs text-slate-600">
            Key variable <code className="font-mono">{endpoint.apiKeyEnv}</code>{" "}
            {endpoint.keyRefused ? (
              <span className="text-red-700">(not an allowed key variable: never sent)</span>
            ) : endpoint.keyPresent ? (
              <span className="text-emerald-700">(set)</span>
            ) : (
              <span className="text-red-700">(not set on this server)</span>
            )}
            {" · "}Structured Outputs {endpoint.supportsStructuredOutput ? "yes" : "no"} · Batch {endpoint.supportsBatch ? "yes" : "no"} ·
            Priced models: {endpoint.models.join(", ") || "—"}
          </p>
        </div>
        <div className="flex flex-wrap items-end gap-2">
          {!endpoint.archived && (
            <>
              <label htmlFor={modelId} className="sr-only">
                Model to test with ({endpoint.name})
              </label>
              <input
                id={modelId}
                value={model}
                onChange={(e) => setModel(e.target.value)}
                placeholder="model"
                className="w-40 rounded-md border border-slate-300 px-2 py-1 text-sm"
              />
              <button
                type="button"
                disabled={pending || !model.trim()}
                onClick={() => run(() => testEndpointAction(endpoint.id, model))}
                className={smallButton}
              >
                Test connection
              </button>
              <button
                type="button"
                disabled={pending}
                aria-expanded={editing}
                onClick={() => setEditing((e) => !e)}
                className={smallButton}
              >
                {editing ? "Close editor" : "Edit"}
              </button>
              <button
                type="button"
                disabled={pending}
                onClick={() => {
                  if (window.confirm(`Archive ${endpoint.name}? An endpoint no run has used is deleted.`))
                    run(() => archiveEndpointAction(endpoint.id));
                }}
                className="rounded-md border border-red-300 px-3 py-1 text-sm text-red-700 disabled:opacity-60"
              >
                Archive
              </button>
            </>
          )}
          {endpoint.archived && (
            <button type="button" disabled={pending} onClick={() => run(() => restoreEndpointAction(endpoint.id))} className={smallButton}>
              Restore
            </button>
          )}
        </div>
      </div>
      <div aria-live="polite">{pending ? <p className="text-sm text-slate-600">Working…</p> : <FormMessage state={result} />}</div>
      {editing && <EndpointEditForm endpoint={endpoint} />}
    </li>
  );
}

function EndpointEditForm({ endpoint }: { endpoint: EndpointRowData }) {
  const { state, onSubmit, pending } = useFormSubmit(updateEndpointAction.bind(null, endpoint.id));
  const invalid = (f: string) => (state && !state.ok && state.field === f ? true : undefined);
  return (
    <form onSubmit={onSubmit} aria-label={`Edit ${endpoint.name}`} className="space-y-3 rounded-md border border-slate-200 p-3">
      <div className="grid gap-3 md:grid-cols-3">
        <label className="text-sm font-medium">
          Name
          <input name="name" required defaultValue={endpoint.name} className={inputClass} aria-invalid={invalid("name")} />
        </label>
        <label className="text-sm font-medium">
          Base URL
          <input name="baseUrl" required defaultValue={endpoint.baseUrl} className={inputClass} aria-invalid={invalid("baseUrl")} />
        </label>
        <label className="text-sm font-medium">
          Environment variable holding the API key
          <input name="apiKeyEnv" required defaultValue={endpoint.apiKeyEnv} className={inputClass} aria-invalid={invalid("apiKeyEnv")} />
        </label>
      </div>
      <label className="block text-sm font-medium">
        Prices per 1M tokens, one model per line: <code>model = input / output</code> (USD)
        <textarea name="prices" rows={2} defaultValue={endpoint.prices} className={inputClass} aria-invalid={invalid("prices")} />
      </label>
      <div className="flex flex-wrap gap-6 text-sm">
        <label className="flex items-center gap-2">
          <input type="checkbox" name="structured" defaultChecked={endpoint.supportsStructuredOutput} /> Supports Structured Outputs
        </label>
        <label className="flex items-center gap-2">
          <input type="checkbox" name="batch" defaultChecked={endpoint.supportsBatch} /> Supports the Batch API
        </label>
      </div>
      <FormMessage state={state} />
      <button type="submit" disabled={pending} className={buttonClass}>
        {pending ? "Saving…" : "Save endpoint"}
      </button>
    </form>
  );
}
