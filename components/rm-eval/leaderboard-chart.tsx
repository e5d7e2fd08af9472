"use client";

import { useId, useState } from "react";
import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, CHART_GRID, CHART_REFERENCE, CHART_TEXT, CHART_TICK, CHART_TOOLTIP } from "@/components/ui/chart-theme";
import { inputClass } from "@/components/ui/form-message";
import { ACCURACY_LABELS, percent } from "@/components/rm-eval/accuracy-format";
import { ACCURACY_KEYS, type AccuracyKey } from "@/lib/rm-eval/accuracy";
import type { LeaderboardRow } from "@/lib/rm-eval/queries";

/**
 * Every evaluated model's accuracy on one chosen key (macro by default), best first, each bar with
 * its 95% bootstrap interval as an error bar; reference rows (the judge, the clinicians) in a second colour.
 */
export function LeaderboardChart({ rows }: { rows: LeaderboardRow[] }) {
  const [key, setKey] = useState<AccuracyKey>("macro");
  const selectId = useId();
  const data = rows
    .filter((r) => r.accuracy[key] !== null)
    .map((r) => {
      const value = r.accuracy[key]! * 100;
      const ci = r.ci95[key];
      return {
        name: r.name,
        reference: r.kind === "reference",
        value: Number(value.toFixed(1)),
        interval: ci ? [Number((value - ci[0] * 100).toFixed(2)), Number((ci[1] * 100 - value).toFixed(2))] : [0, 0],
        label: ci ? `${percent(r.accuracy[key])}% (95% CI ${percent(ci[0])}–${percent(ci[1])})` : `${percent(r.accuracy[key])}%`,
      };
    })
    .sort((a, b) => b.value - a.value);
  const height = Math.max(160, 44 * data.length + 40);
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
      {data.length === 0 ? (
        <p className="text-sm text-slate-600">No model has pairs in this category.</p>
      ) : (
        <figure aria-label={`${ACCURACY_LABELS[key]} accuracy by model, with 95% intervals`} className="w-full">
          <div style={{ height }}>
            <ResponsiveContainer width="100%" height="100%">
              <BarChart data={data} layout="vertical" margin={{ top: 5, right: 24, bottom: 20, left: 8 }}>
                <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke={CHART_GRID} />
                <XAxis
                  type="number"
                  domain={[0, 100]}
                  ticks={[0, 20, 40, 60, 80, 100]}
                  // The whiskers' ends are rounded: they may poke past 100 by a hair, which must not stretch the axis.
                  allowDataOverflow
                  tick={CHART_TICK}
                  stroke={CHART_REFERENCE}
                  label={{
                    value: `${ACCURACY_LABELS[key].toLowerCase()} accuracy (%)`,
                    position: "insideBottom",
                    offset: -12,
                    fontSize: 12,
                    fill: CHART_TEXT,
                  }}
                />
                <YAxis type="category" dataKey="name" width={120} tick={CHART_TICK} stroke={CHART_REFERENCE} />
                <Tooltip
                  {...CHART_TOOLTIP}
                  formatter={(_v, _n, item) => [(item.payload as { label: string }).label, ACCURACY_LABELS[key]]}
                />
                <Bar dataKey="value" isAnimationActive={false}>
                  {data.map((d) => (
                    <Cell key={d.name} fill={d.reference ? CHART_COLORS[2] : CHART_COLORS[0]} />
                  ))}
                  <ErrorBar dataKey="interval" direction="x" width={8} strokeWidth={1.5} stroke={CHART_TEXT} />
                </Bar>
              </BarChart>
            </ResponsiveContainer>
          </div>
          <p className="text-xs text-slate-600" aria-hidden="true">
            Whiskers: 95% interval. Reference rows (the original judge, the clinicians&apos; consensus) in purple.
          </p>
          <figcaption className="sr-only">{data.map((d) => `${d.name}: ${d.label}`).join("; ")}</figcaption>
        </figure>
      )}
    </div>
  );
}
