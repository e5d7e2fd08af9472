"use client";

import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS as COLORS, CHART_GRID, CHART_REFERENCE, CHART_TEXT, CHART_TICK, CHART_TOOLTIP } from "@/components/ui/chart-theme";

export interface RankSeries {
  label: string;
  values: (number | null)[];
}

/**
 * Mean rank (1 = best) by a candidate property numbered 1..N (shown position, or length order),
 * one line per rater group. Without bias each line is flat at (N+1)/2, the dashed line.
 */
export function MeanRankChart({ title, xLabels, series }: { title: string; xLabels: string[]; series: RankSeries[] }) {
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const data = Array.from({ length: n }, (_, i) => ({
    x: xLabels[i] ?? String(i + 1),
    ...Object.fromEntries(series.map((s) => [s.label, s.values[i] === null || s.values[i] === undefined ? null : Number(s.values[i]!.toFixed(3))])),
  }));
  return (
    <figure aria-label={title} className="h-72 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" stroke={CHART_GRID} />
          <XAxis dataKey="x" tick={CHART_TICK} stroke={CHART_REFERENCE} />
          <YAxis domain={[1, Math.max(n, 2)]} reversed allowDecimals tick={CHART_TICK} stroke={CHART_REFERENCE} label={{ value: "mean rank (1 = best)", angle: -90, position: "insideLeft", fontSize: 12, fill: CHART_TEXT }} />
          <Tooltip {...CHART_TOOLTIP} />
          <Legend />
          <ReferenceLine y={(n + 1) / 2} stroke={CHART_REFERENCE} strokeDasharray="6 4" />
          {series.map((s, i) => <Line key={s.label} type="monotone" dataKey={s.label} stroke={COLORS[i % COLORS.length]} strokeWidth={2} isAnimationActive={false} connectNulls />)}
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{series.map((s) => `${s.label}: ${s.values.map((v) => v?.toFixed(2) ?? "—").join(", ")}`).join("; ")}</figcaption>
    </figure>
  );
}

/** Bradley–Terry log-strengths with their 95% intervals, strongest first. */
export function StrengthChart({ title, strengths }: { title: string; strengths: { model: string; logStrength: number; ci95: [number, number] | null }[] }) {
  const data = strengths.map((s) => ({
    model: s.model,
    strength: Number(s.logStrength.toFixed(3)),
    error: s.ci95 ? [Number((s.logStrength - s.ci95[0]).toFixed(3)), Number((s.ci95[1] - s.logStrength).toFixed(3))] : [0, 0],
  }));
  return (
    <figure aria-label={title} className="w-full" style={{ height: Math.max(160, 28 * data.length + 40) }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke={CHART_GRID} />
          <XAxis type="number" tick={CHART_TICK} stroke={CHART_REFERENCE} />
          <YAxis type="category" dataKey="model" width={140} tick={CHART_TICK} stroke={CHART_REFERENCE} />
          <Tooltip {...CHART_TOOLTIP} />
          <ReferenceLine x={0} stroke={CHART_REFERENCE} />
          <Bar dataKey="strength" fill={COLORS[0]} isAnimationActive={false}>
            <ErrorBar dataKey="error" width={4} strokeWidth={1.5} stroke={CHART_TEXT} direction="x" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{data.map((d) => `${d.model}: ${d.strength}`).join("; ")}</figcaption>
    </figure>
  );
}
