import { inputClass } from "@/components/ui/form-message";

export interface JudgeChoices {
  endpoints: { id: string; name: string; supportsBatch: boolean; models: string[] }[];
  templates: { id: string; name: string; version: number; style: string }[];
}

/**
 * Which judge answers and how: endpoint, model, template, temperature and repair rounds (judge runs and
 * judge evaluations). `pairsOnly`: every use shows the judge two responses, so no template needs the
 * note that it judges only two-candidate prompts.
 */
export function JudgeModelFields({
  endpoints,
  templates,
  invalid,
  pairsOnly = false,
}: JudgeChoices & { invalid: (field: string) => true | undefined; pairsOnly?: boolean }) {
  return (
    <>
      <label className="text-sm font-medium">
        Endpoint
        <select name="endpointId" required className={inputClass} aria-invalid={invalid("endpointId")}>
          {endpoints.map((e) => (
            <option key={e.id} value={e.id}>
              {e.name}
              {e.supportsBatch ? " (batch)" : ""}
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        Model
        <input name="model" required list="judge-models" placeholder="gpt-4o" className={inputClass} aria-invalid={invalid("model")} />
      </label>
      <datalist id="judge-models">
        {[...new Set(endpoints.flatMap((e) => e.models))].map((m) => (
          <option key={m} value={m} />
        ))}
      </datalist>
      <label className="text-sm font-medium">
        Template
        <select name="templateId" required className={inputClass} aria-invalid={invalid("templateId")}>
          {templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name} (v{t.version}
              {t.style === "PAIRWISE" && !pairsOnly ? ", two-candidate prompts" : ""})
            </option>
          ))}
        </select>
      </label>
      <label className="text-sm font-medium">
        Temperature
        <input
          name="temperature"
          type="number"
          min={0}
          max={2}
          step="0.1"
          defaultValue={0}
          className={inputClass}
          aria-invalid={invalid("temperature")}
        />
      </label>
      <label className="text-sm font-medium">
        Repair rounds for invalid answers
        <input
          name="maxRepairs"
          type="number"
          min={0}
          max={5}
          defaultValue={2}
          className={inputClass}
          aria-invalid={invalid("maxRepairs")}
        />
      </label>
    </>
  );
}
