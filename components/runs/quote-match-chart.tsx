"use client";

import { Bar, BarChart, CartesianGrid, Cell, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, CHART_GRID, CHART_REFERENCE, CHART_TICK, CHART_TOOLTIP } from "@/components/ui/chart-theme";

/** How a judge's critique quotes were found in the candidates: one bar per way, unmatched last. */
export function QuoteMatchChart({ counts }: { counts: { label: string; quotes: number }[] }) {
  return (
    <figure aria-label="Critique quotes by how they matched" className="h-48 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={counts} layout="vertical" margin={{ top: 5, right: 20, bottom: 0, left: 10 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke={CHART_GRID} />
          <XAxis type="number" allowDecimals={false} tick={CHART_TICK} stroke={CHART_REFERENCE} />
          <YAxis type="category" dataKey="label" width={90} tick={CHART_TICK} stroke={CHART_REFERENCE} />
          <Tooltip {...CHART_TOOLTIP} />
          <Bar dataKey="quotes" isAnimationActive={false}>
            {counts.map((c, i) => (
              <Cell key={c.label} fill={CHART_COLORS[i === counts.length - 1 ? 3 : 0]} />
            ))}
          </Bar>
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{counts.map((c) => `${c.label}: ${c.quotes} quotes`).join("; ")}</figcaption>
    </figure>
  );
}
