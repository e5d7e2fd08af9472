"use client";

import { useId, useState } from "react";
import { inputClass } from "@/components/ui/form-message";
import { IntervalBarChart } from "@/components/ui/interval-bar-chart";
import { ACCURACY_LABELS } from "@/components/rm-eval/accuracy-format";
import { ACCURACY_KEYS, type AccuracyKey } from "@/lib/rm-eval/accuracy";
import type { LeaderboardRow } from "@/lib/rm-eval/queries";

/**
 * Every evaluated model's accuracy on one chosen key (macro by default), best first, each bar with
 * its 95% bootstrap interval as an error bar; reference rows (the judge, the clinicians) in the second colour.
 */
export function LeaderboardChart({ rows }: { rows: LeaderboardRow[] }) {
  const [key, setKey] = useState<AccuracyKey>("macro");
  const selectId = useId();
  const bars = rows
    .filter((r) => r.accuracy[key] !== null)
    .sort((a, b) => b.accuracy[key]! - a.accuracy[key]!)
    .map((r) => ({ label: r.name, value: r.accuracy[key], ci95: r.ci95[key], reference: r.kind === "reference" }));
  return (
    <div className="space-y-3 p-4">
      <label htmlFor={selectId} className="block max-w-xs text-sm font-medium">
        Accuracy shown
        <select id={selectId} value={key} onChange={(e) => setKey(e.target.value as AccuracyKey)} className={inputClass}>
          {ACCURACY_KEYS.map((k) => (
            <option key={k} value={k}>
              {ACCURACY_LABELS[k]}
            </option>
          ))}
        </select>
      </label>
      {bars.length === 0 ? (
        <p className="text-sm text-slate-600">No model has pairs in this category.</p>
      ) : (
        <>
          <IntervalBarChart title={`${ACCURACY_LABELS[key]} accuracy by model, with 95% intervals`} bars={bars} />
          <p className="text-xs text-slate-600" aria-hidden="true">
            Whiskers: 95% interval. Reference rows (the original judge, the clinicians&apos; consensus) in purple.
          </p>
        </>
      )}
    </div>
  );
}
