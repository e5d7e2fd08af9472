import { inputClass } from "@/components/ui/form-message";

/** Which prompts a run covers and what it may spend: shared by judge and generation runs. */
export function RunFilterFields({ invalid }: { invalid: (field: string) => true | undefined }) {
  return (
    <>
      <fieldset className="grid gap-3 rounded border border-slate-200 p-3 md:grid-cols-4">
        <legend className="px-1 text-sm font-medium">Prompts</legend>
        <label className="text-sm">
          Sources (comma-separated)
          <input name="sources" placeholder="MedQA, PubMedQA" className={inputClass} />
        </label>
        <label className="text-sm">
          Types (comma-separated)
          <input name="types" placeholder="exam, open-ended" className={inputClass} />
        </label>
        <label className="text-sm">
          Random sample of
          <input name="sample" type="number" min={1} placeholder="all" className={inputClass} aria-invalid={invalid("filter.sample")} />
        </label>
        <label className="text-sm">
          Seed
          <input name="seed" type="number" min={0} defaultValue={0} className={inputClass} aria-invalid={invalid("seed")} />
        </label>
        <label className="flex items-center gap-2 text-sm md:col-span-4">
          <input type="checkbox" name="withoutHumanRankings" /> Only prompts without human rankings
        </label>
      </fieldset>
      <RunLimitFields invalid={invalid} />
    </>
  );
}

/** What a run may spend and how many calls it makes at once (the run pauses when a budget is spent). */
export function RunLimitFields({ invalid }: { invalid: (field: string) => true | undefined }) {
  return (
    <fieldset className="grid gap-3 rounded border border-slate-200 p-3 md:grid-cols-4">
      <legend className="px-1 text-sm font-medium">Limits (the run pauses when a budget is spent)</legend>
      <label className="text-sm">
        Max concurrency
        <input
          name="maxConcurrency"
          type="number"
          min={1}
          max={256}
          defaultValue={8}
          className={inputClass}
          aria-invalid={invalid("maxConcurrency")}
        />
      </label>
      <label className="text-sm">
        Max calls
        <input
          name="budgetCalls"
          type="number"
          min={1}
          placeholder="no limit"
          className={inputClass}
          aria-invalid={invalid("budgetCalls")}
        />
      </label>
      <label className="text-sm">
        Max tokens
        <input
          name="budgetTokens"
          type="number"
          min={1}
          placeholder="no limit"
          className={inputClass}
          aria-invalid={invalid("budgetTokens")}
        />
      </label>
      <label className="text-sm">
        Max estimated cost (USD)
        <input
          name="budgetCostUsd"
          type="number"
          min={0}
          step="0.01"
          placeholder="no limit"
          className={inputClass}
          aria-invalid={invalid("budgetCostUsd")}
        />
      </label>
    </fieldset>
  );
}
