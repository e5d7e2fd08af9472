"use client";

import { labelWidth, wrapLabel } from "@/components/agreement/wrap-label";
import {
  Bar,
  BarChart,
  CartesianGrid,
  ErrorBar,
  Legend,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from "recharts";
import { CHART_COLORS as COLORS, CHART_GRID, CHART_REFERENCE, CHART_TEXT, CHART_TICK, CHART_TOOLTIP } from "@/components/ui/chart-theme";

export interface RankSeries {
  label: string;
  values: (number | null)[];
}

/**
 * Mean rank (1 = best) by a candidate property numbered 1..N (shown position, or length order),
 * one line per rater group. Without bias each line is flat at (N+1)/2, the dashed line.
 */
export function MeanRankChart({
  title,
  xLabels,
  xTitle,
  series,
}: {
  title: string;
  xLabels: string[];
  xTitle: string;
  series: RankSeries[];
}) {
  const n = Math.max(0, ...series.map((s) => s.values.length));
  const data = Array.from({ length: n }, (_, i) => ({
    x: xLabels[i] ?? String(i + 1),
    ...Object.fromEntries(
      series.map((s) => [s.label, s.values[i] === null || s.values[i] === undefined ? null : Number(s.values[i]!.toFixed(3))]),
    ),
  }));
  // Axis titles are HTML around the chart, not SVG text inside it: they wrap instead of being clipped.
  return (
    <figure aria-label={title} className="w-full">
      <p className="text-xs font-medium text-slate-600" aria-hidden>
        ↑ mean rank (1 = best, at the top)
      </p>
      <div className="h-72 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={data} margin={{ top: 10, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid strokeDasharray="3 3" stroke={CHART_GRID} />
            <XAxis dataKey="x" tick={CHART_TICK} stroke={CHART_REFERENCE} />
            <YAxis domain={[1, Math.max(n, 2)]} reversed allowDecimals width={36} tick={CHART_TICK} stroke={CHART_REFERENCE} />
            <Tooltip {...CHART_TOOLTIP} />
            <Legend />
            <ReferenceLine y={(n + 1) / 2} stroke={CHART_REFERENCE} strokeDasharray="6 4" />
            {series.map((s, i) => (
              <Line
                key={s.label}
                type="monotone"
                dataKey={s.label}
                stroke={COLORS[i % COLORS.length]}
                strokeWidth={2}
                isAnimationActive={false}
                connectNulls
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      </div>
      <p className="text-center text-xs font-medium text-slate-600" aria-hidden>
        {xTitle} →
      </p>
      <figcaption className="sr-only">
        Mean rank (1 = best) by {xTitle}.{" "}
        {series.map((s) => `${s.label}: ${s.values.map((v) => v?.toFixed(2) ?? "—").join(", ")}`).join("; ")}
      </figcaption>
    </figure>
  );
}

/** Bradley–Terry log-strengths with their 95% intervals, strongest first. */
const LABEL_CHARS = 18;

/** A y-axis tick that prints the whole model name, over several lines when it is long. */
function ModelTick({ x, y, payload }: { x?: number; y?: number; payload?: { value: string } }) {
  const lines = wrapLabel(String(payload?.value ?? ""), LABEL_CHARS);
  return (
    <text x={x} y={y} textAnchor="end" fontSize={12} fill={CHART_TEXT} className="recharts-cartesian-axis-tick-value">
      {lines.map((line, i) => (
        <tspan key={i} x={x} dy={i === 0 ? `${0.35 - (lines.length - 1) * 0.6}em` : "1.2em"}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

export function StrengthChart({
  title,
  strengths,
}: {
  title: string;
  strengths: { model: string; logStrength: number; ci95: [number, number] | null }[];
}) {
  const lines = strengths.map((s) => wrapLabel(s.model, LABEL_CHARS));
  const axisWidth = Math.max(48, ...lines.flat().map(labelWidth)) + 8;
  const rowHeight = 16 + 15 * Math.max(1, ...lines.map((l) => l.length));
  const data = strengths.map((s) => ({
    model: s.model,
    strength: Number(s.logStrength.toFixed(3)),
    error: s.ci95 ? [Number((s.logStrength - s.ci95[0]).toFixed(3)), Number((s.ci95[1] - s.logStrength).toFixed(3))] : [0, 0],
  }));
  return (
    <figure aria-label={title} className="w-full" style={{ height: Math.max(160, rowHeight * data.length + 40) }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke={CHART_GRID} />
          <XAxis type="number" tick={CHART_TICK} stroke={CHART_REFERENCE} />
          <YAxis type="category" dataKey="model" width={axisWidth} tick={<ModelTick />} interval={0} stroke={CHART_REFERENCE} />
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
