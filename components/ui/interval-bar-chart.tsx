"use client";

import { Bar, BarChart, CartesianGrid, Cell, ErrorBar, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, CHART_GRID, CHART_REFERENCE, CHART_TEXT, CHART_TICK, CHART_TOOLTIP } from "@/components/ui/chart-theme";

export interface IntervalBar {
  label: string;
  /** A share, 0–1 (shown as a percentage); null bars are listed as "no data". */
  value: number | null;
  ci95: [number, number] | null;
  /** Drawn in the second colour (e.g. a reference row beside the models compared). */
  reference?: boolean;
}

const pct = (x: number) => Number((100 * x).toFixed(1));

/** Horizontal bars of shares (0–100%) with their 95% intervals as error bars; the caption lists every figure for screen readers. */
export function IntervalBarChart({ title, bars }: { title: string; bars: IntervalBar[] }) {
  const data = bars.map((b) => ({
    label: b.label,
    reference: b.reference ?? false,
    value: b.value === null ? 0 : pct(b.value),
    error: b.value !== null && b.ci95 ? [pct(b.value) - pct(b.ci95[0]), pct(b.ci95[1]) - pct(b.value)] : [0, 0],
  }));
  const axisWidth = Math.min(160, 12 + 7 * Math.max(4, ...bars.map((b) => b.label.length)));
  const describe = (b: IntervalBar) =>
    b.value === null
      ? `${b.label}: no data`
      : `${b.label}: ${pct(b.value)}%${b.ci95 ? ` (95% interval ${pct(b.ci95[0])}–${pct(b.ci95[1])}%)` : ""}`;
  return (
    <figure aria-label={title} className="w-full" style={{ height: Math.max(140, 36 * data.length + 48) }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 24, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke={CHART_GRID} />
          {/* Fixed ticks and overflow allowed: a whisker rounded a hair past 100 must not stretch the axis. */}
          <XAxis
            type="number"
            domain={[0, 100]}
            ticks={[0, 20, 40, 60, 80, 100]}
            allowDataOverflow
            unit="%"
            tick={CHART_TICK}
            stroke={CHART_REFERENCE}
          />
          <YAxis type="category" dataKey="label" width={axisWidth} tick={CHART_TICK} interval={0} stroke={CHART_REFERENCE} />
          <Tooltip {...CHART_TOOLTIP} formatter={(v) => `${String(v)}%`} />
          <Bar dataKey="value" fill={CHART_COLORS[0]} isAnimationActive={false}>
            {data.map((d, i) => (
              <Cell key={i} fill={d.reference ? CHART_COLORS[2] : CHART_COLORS[0]} />
            ))}
            <ErrorBar dataKey="error" width={4} strokeWidth={1.5} stroke={CHART_TEXT} direction="x" isAnimationActive={false} />
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{bars.map(describe).join("; ")}</figcaption>
    </figure>
  );
}
