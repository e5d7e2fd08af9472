"use client";

import { Bar, BarChart, CartesianGrid, ErrorBar, Legend, Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

const COLORS = ["#0f766e", "#b45309", "#7c3aed", "#be123c", "#1d4ed8", "#4d7c0f"];

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
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="x" tick={{ fontSize: 12 }} />
          <YAxis domain={[1, Math.max(n, 2)]} reversed allowDecimals tick={{ fontSize: 12 }} label={{ value: "mean rank (1 = best)", angle: -90, position: "insideLeft", fontSize: 12 }} />
          <Tooltip />
          <Legend />
          <ReferenceLine y={(n + 1) / 2} stroke="#64748b" strokeDasharray="6 4" />
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
          <CartesianGrid strokeDasharray="3 3" horizontal={false} />
          <XAxis type="number" tick={{ fontSize: 12 }} />
          <YAxis type="category" dataKey="model" width={140} tick={{ fontSize: 12 }} />
          <Tooltip />
          <ReferenceLine x={0} stroke="#64748b" />
          <Bar dataKey="strength" fill="#0f766e" isAnimationActive={false}>
            <ErrorBar dataKey="error" width={4} strokeWidth={1.5} stroke="#334155" direction="x" />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{data.map((d) => `${d.model}: ${d.strength}`).join("; ")}</figcaption>
    </figure>
  );
}
