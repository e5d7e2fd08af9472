"use client";

import { useState } from "react";
import { createGenerationRunAction } from "@/app/(app)/runs/actions";
import type { RunFormOptions } from "@/components/runs/judge-run-form";
import { RunFilterFields } from "@/components/runs/run-filter-fields";
import { useOpenCreatedRun } from "@/components/runs/use-open-created-run";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";

interface GeneratorRow {
  key: number;
  endpointId: string;
  model: string;
  temperature: string;
  maxTokens: string;
  systemPrompt: string;
}

export function GenerationRunForm({ projects, endpoints }: Omit<RunFormOptions, "templates">) {
  const { state, onSubmit, pending } = useFormSubmit(createGenerationRunAction);
  const invalid = (f: string) => (state && !state.ok && state.field === f ? true : undefined);
  const blank = (key: number): GeneratorRow => ({
    key,
    endpointId: endpoints[0]?.id ?? "",
    model: "",
    temperature: "0.7",
    maxTokens: "1024",
    systemPrompt: "",
  });
  const [rows, setRows] = useState<GeneratorRow[]>([blank(0)]);
  const update = (key: number, patch: Partial<GeneratorRow>) => setRows((rs) => rs.map((r) => (r.key === key ? { ...r, ...patch } : r)));
  useOpenCreatedRun(state);
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label="New generation run">
      <div className="grid gap-3 md:grid-cols-3">
        <label className="text-sm font-medium">
          Project
          <select name="project" required className={inputClass}>
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
          Candidates per prompt (N)
          <input
            name="targetCandidates"
            type="number"
            min={2}
            max={16}
            defaultValue={8}
            className={inputClass}
            aria-invalid={invalid("targetCandidates")}
          />
        </label>
      </div>
      <fieldset className="space-y-2 rounded border border-slate-200 p-3">
        <legend className="px-1 text-sm font-medium">Generator models (each adds at most one candidate per prompt)</legend>
        {rows.map((r, i) => (
          <div key={r.key} className="grid gap-2 rounded bg-slate-50 p-2 md:grid-cols-[1fr_1fr_6rem_7rem_2fr_auto]">
            <label className="text-xs">
              Endpoint
              <select value={r.endpointId} onChange={(e) => update(r.key, { endpointId: e.target.value })} className={inputClass}>
                {endpoints.map((e) => (
                  <option key={e.id} value={e.id}>
                    {e.name}
                  </option>
                ))}
              </select>
            </label>
            <label className="text-xs">
              Model
              <input
                value={r.model}
                onChange={(e) => update(r.key, { model: e.target.value })}
                required
                className={inputClass}
                aria-label={`Model ${i + 1}`}
              />
            </label>
            <label className="text-xs">
              Temperature
              <input
                type="number"
                min={0}
                max={2}
                step="0.1"
                value={r.temperature}
                onChange={(e) => update(r.key, { temperature: e.target.value })}
                className={inputClass}
              />
            </label>
            <label className="text-xs">
              Max tokens
              <input
                type="number"
                min={1}
                value={r.maxTokens}
                onChange={(e) => update(r.key, { maxTokens: e.target.value })}
                className={inputClass}
              />
            </label>
            <label className="text-xs">
              System prompt
              <input value={r.systemPrompt} onChange={(e) => update(r.key, { systemPrompt: e.target.value })} className={inputClass} />
            </label>
            <button
              type="button"
              onClick={() => setRows((rs) => rs.filter((x) => x.key !== r.key))}
              disabled={rows.length === 1}
              className="self-end rounded border border-slate-300 px-2 py-2 text-xs"
              aria-label={`Remove model ${i + 1}`}
            >
              Remove
            </button>
          </div>
        ))}
        <button
          type="button"
          onClick={() => setRows((rs) => [...rs, blank(Math.max(...rs.map((x) => x.key)) + 1)])}
          className="rounded border border-slate-300 px-3 py-1 text-sm"
        >
          Add a model
        </button>
        <input type="hidden" name="models" value={JSON.stringify(rows.map(({ key: _key, ...r }) => r))} />
      </fieldset>
      <RunFilterFields invalid={invalid} />
      <FormMessage state={state} />
      <button type="submit" disabled={pending || endpoints.length === 0} className={buttonClass}>
        {pending ? "Starting…" : "Start generation run"}
      </button>
    </form>
  );
}
