"use client";

import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { createExportAction } from "@/app/(app)/exports/actions";
import { buttonClass, FormMessage, inputClass } from "@/components/ui/form-message";
import { useFormSubmit } from "@/components/ui/use-form-submit";
import type { ExportBuilderOptions } from "@/lib/export/export-views";

const FORMATS = [
  ["dpo", "DPO (TRL: prompt, chosen, rejected)"],
  ["h4", "H4 ultrafeedback_binarized (prefs, sft, gen splits)"],
  ["kto", "KTO (TRL: prompt, completion, label)"],
  ["rm", "Reward model (chosen, rejected, margin; OpenRLHF)"],
  ["sft", "SFT (messages ending with the top completion)"],
  ["rankings", "Rankings (every candidate and every ranking)"],
  ["critiques", "Critiques (each candidate with its critique spans and rank)"],
] as const;

const STRATEGIES = [
  ["best-random", "Best vs a random lower-ranked candidate"],
  ["best-worst", "Best vs worst"],
  ["all-pairs", "All pairs with a rank margin ≥ m"],
  ["topk", "Top k vs bottom k"],
  ["quantile", "Best vs the candidate at a rank quantile"],
] as const;

/** The export builder: every choice of the export configuration, validated on the server. */
export function ExportBuilderForm({ projects, judgeRuns, sourceDatasets, promptTypes }: ExportBuilderOptions) {
  const { state, onSubmit, pending } = useFormSubmit(createExportAction);
  const router = useRouter();
  const [source, setSource] = useState("humans");
  const [strategy, setStrategy] = useState("best-random");
  const [format, setFormat] = useState("dpo");
  const invalid = (f: string) => (state && !state.ok && state.field === f ? true : undefined);
  const createdId = state?.ok ? (state.data as { id: string } | undefined)?.id : undefined;
  useEffect(() => {
    if (createdId) router.push(`/exports/${createdId}`);
  }, [createdId, router]);
  return (
    <form onSubmit={onSubmit} className="space-y-4" aria-label="New export">
      <fieldset className="space-y-1" aria-invalid={invalid("projects")}>
        <legend className="text-sm font-medium">Projects</legend>
        <div className="flex flex-wrap gap-3">
          {projects.map((p, i) => (
            <label key={p.slug} className="flex items-center gap-1 text-sm">
              <input type="checkbox" name="projects" value={p.slug} defaultChecked={i === 0} /> {p.name}
            </label>
          ))}
        </div>
      </fieldset>
      <div className="grid gap-3 md:grid-cols-3">
        <label className="text-sm font-medium">
          Name (optional)
          <input name="name" className={inputClass} placeholder="e.g. DPO pilot, clinicians only" />
        </label>
        <label className="text-sm font-medium">
          Ranking source
          <select
            name="source"
            value={source}
            onChange={(e) => setSource(e.target.value)}
            className={inputClass}
            aria-invalid={invalid("source")}
          >
            <option value="humans">Clinicians only</option>
            <option value="judge">One judge run</option>
            <option value="humans+judge">Clinicians, judge run as fallback</option>
            <option value="both">Clinicians and judge run as separate raters</option>
          </select>
        </label>
        {source !== "humans" && (
          <label className="text-sm font-medium">
            Judge run (one per project)
            <select
              name="judgeRuns"
              multiple
              className={inputClass}
              aria-invalid={invalid("judgeRuns")}
              size={Math.min(4, Math.max(2, judgeRuns.length))}
            >
              {judgeRuns.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.project} · {r.name}
                  {r.model ? ` (${r.model})` : ""}
                </option>
              ))}
            </select>
          </label>
        )}
        <label className="text-sm font-medium">
          Aggregation of several rankings
          <select name="aggregation" className={inputClass} aria-invalid={invalid("aggregation")}>
            <option value="borda">Mean rank (Borda)</option>
            <option value="bradley-terry">Bradley–Terry / Plackett–Luce</option>
            <option value="majority">Majority over pairs</option>
          </select>
        </label>
        <label className="text-sm font-medium">
          Minimum human rankings
          <input
            name="minHumanRankings"
            type="number"
            min={0}
            max={50}
            defaultValue={1}
            className={inputClass}
            aria-invalid={invalid("minHumanRankings")}
          />
        </label>
        <label className="text-sm font-medium">
          Minimum agreement on a prompt (0–1, optional)
          <input
            name="minAgreement"
            type="number"
            min={0}
            max={1}
            step="0.05"
            className={inputClass}
            aria-invalid={invalid("minAgreement")}
          />
        </label>
        <label className="text-sm font-medium">
          Source datasets (comma-separated, empty = all)
          <input name="sourceDatasets" list="export-sources" className={inputClass} aria-invalid={invalid("sourceDatasets")} />
        </label>
        <label className="text-sm font-medium">
          Prompt types (comma-separated, empty = all)
          <input name="promptTypes" list="export-types" className={inputClass} aria-invalid={invalid("promptTypes")} />
        </label>
        <datalist id="export-sources">
          {sourceDatasets.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <datalist id="export-types">
          {promptTypes.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      </div>
      <div className="flex flex-wrap gap-4 text-sm">
        <label className="flex items-center gap-1">
          <input type="checkbox" name="excludeFlaggedChosen" defaultChecked /> Exclude prompts whose best candidate was flagged unsafe or
          factually incorrect
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="excludeGold" /> Exclude gold items
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" name="excludeCriticalChosen" /> Leave out preference pairs whose chosen response has a critical critique
          span
        </label>
      </div>
      <div className="grid gap-3 md:grid-cols-3">
        <label className="text-sm font-medium">
          Format
          <select
            name="format"
            value={format}
            onChange={(e) => setFormat(e.target.value)}
            className={inputClass}
            aria-invalid={invalid("format")}
          >
            {FORMATS.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <label className="text-sm font-medium">
          Style (DPO, KTO)
          <select name="dpoStyle" className={inputClass}>
            <option value="conversational">Conversational (message lists)</option>
            <option value="standard">Standard (strings)</option>
          </select>
        </label>
        <label className="text-sm font-medium">
          File type
          <select name="fileType" className={inputClass}>
            <option value="jsonl">JSONL</option>
            <option value="parquet">Parquet</option>
          </select>
        </label>
        {format === "kto" && (
          <label className="text-sm font-medium">
            KTO labels (from the aggregated ranking; no pairing)
            <select name="ktoCut" className={inputClass} aria-invalid={invalid("ktoCut")}>
              <option value="median">Better than the middle rank = desirable, worse = undesirable</option>
              <option value="top-k">Top k = desirable, bottom k = undesirable</option>
            </select>
          </label>
        )}
        <label className="text-sm font-medium">
          Pairing strategy
          <select
            name="strategy"
            value={strategy}
            onChange={(e) => setStrategy(e.target.value)}
            className={inputClass}
            aria-invalid={invalid("strategy")}
          >
            {STRATEGIES.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
        </label>
        {strategy === "all-pairs" && (
          <label className="text-sm font-medium">
            Margin m (ranks)
            <input name="margin" type="number" min={1} defaultValue={1} className={inputClass} aria-invalid={invalid("margin")} />
          </label>
        )}
        {(strategy === "topk" || format === "kto") && (
          <label className="text-sm font-medium">
            k<input name="topK" type="number" min={1} max={8} defaultValue={2} className={inputClass} aria-invalid={invalid("topK")} />
          </label>
        )}
        {strategy === "quantile" && (
          <label className="text-sm font-medium">
            Quantile (0–1]
            <input
              name="quantile"
              type="number"
              min={0.01}
              max={1}
              step="0.05"
              defaultValue={0.5}
              className={inputClass}
              aria-invalid={invalid("quantile")}
            />
          </label>
        )}
        <label className="text-sm font-medium">
          Splits
          <input name="splits" defaultValue="train=0.9,validation=0.05,test=0.05" className={inputClass} aria-invalid={invalid("splits")} />
        </label>
        <label className="text-sm font-medium">
          Seed
          <input name="seed" type="number" min={0} defaultValue={42} className={inputClass} aria-invalid={invalid("seed")} />
        </label>
        <label className="text-sm font-medium">
          License (dataset card)
          <input name="license" defaultValue="other" className={inputClass} aria-invalid={invalid("license")} />
        </label>
      </div>
      <label className="flex items-center gap-1 text-sm">
        <input type="checkbox" name="categories" /> Add test categories (easy, hard, length, human) as extra splits
      </label>
      <FormMessage state={state} />
      <button type="submit" disabled={pending || projects.length === 0} className={buttonClass}>
        {pending ? "Checking…" : "Build export"}
      </button>
    </form>
  );
}
