"use client";

import { Bar, BarChart, CartesianGrid, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";

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
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="position" tick={{ fontSize: 12 }} />
          <YAxis domain={[1, n]} reversed allowDecimals tick={{ fontSize: 12 }} label={{ value: "mean rank (1 = best)", angle: -90, position: "insideLeft", fontSize: 12 }} />
          <Tooltip />
          <ReferenceLine y={(n + 1) / 2} stroke="#64748b" strokeDasharray="6 4" />
          <Bar dataKey="rank" fill="#0f766e" isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{data.map((d) => `${d.position}: mean rank ${d.rank}`).join("; ")}</figcaption>
    </figure>
  );
}
