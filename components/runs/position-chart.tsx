"use client";

import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { CHART_COLORS, CHART_GRID, CHART_REFERENCE, CHART_TEXT, CHART_TICK, CHART_TOOLTIP } from "@/components/ui/chart-theme";

/**
 * Mean rank the judge gave to whatever it was shown at each position. Without position bias the
 * bars are level at (N+1)/2, the dashed line; a low first bar means the judge favours what it reads first.
 */
export function PositionChart({ meanRanks }: { meanRanks: number[] }) {
  const n = meanRanks.length;
  const data = meanRanks.map((rank, i) => ({ position: `Shown ${i + 1}`, rank: Number.isFinite(rank) ? Number(rank.toFixed(3)) : null }));
  return (
    <figure aria-label="Mean rank by shown position" className="h-64 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 10, right: 10, bottom: 0, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} stroke={CHART_GRID} />
          <XAxis dataKey="position" tick={CHART_TICK} stroke={CHART_REFERENCE} />
          <YAxis
            domain={[1, n]}
            reversed
            allowDecimals
            tick={CHART_TICK}
            stroke={CHART_REFERENCE}
            label={{ value: "mean rank (1 = best)", angle: -90, position: "insideLeft", fontSize: 12, fill: CHART_TEXT }}
          />
          <Tooltip {...CHART_TOOLTIP} />
          <ReferenceLine y={(n + 1) / 2} stroke={CHART_REFERENCE} strokeDasharray="6 4" />
          <Bar dataKey="rank" fill={CHART_COLORS[0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{data.map((d) => `${d.position}: mean rank ${d.rank}`).join("; ")}</figcaption>
    </figure>
  );
}
