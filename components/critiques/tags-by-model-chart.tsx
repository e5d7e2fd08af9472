"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import { labelWidth, wrapLabel } from "@/components/agreement/wrap-label";
import { CHART_GRID, CHART_REFERENCE, CHART_TEXT, CHART_TICK, CHART_TOOLTIP } from "@/components/ui/chart-theme";
import type { CritiqueColour } from "@/lib/critiques/taxonomy";

export interface ChartTag {
  key: string;
  label: string;
  colour: CritiqueColour;
}

const LABEL_CHARS = 18;

/** A y-axis tick printing the whole model name, over several lines when it is long. */
function ModelTick({ x, y, payload }: { x?: number; y?: number; payload?: { value: string } }) {
  const lines = wrapLabel(String(payload?.value ?? ""), LABEL_CHARS);
  return (
    <text x={x} y={y} textAnchor="end" fontSize={12} fill={CHART_TEXT}>
      {lines.map((line, i) => (
        <tspan key={i} x={x} dy={i === 0 ? `${0.35 - (lines.length - 1) * 0.6}em` : "1.2em"}>
          {line}
        </tspan>
      ))}
    </text>
  );
}

/**
 * Marked spans per model, one horizontal bar per model stacked by tag (each tag in its taxonomy
 * colour, named in the legend); the caption lists every count for screen readers.
 */
export function TagsByModelChart({
  title,
  tags,
  counts,
}: {
  title: string;
  tags: readonly ChartTag[];
  counts: readonly { tag: string; model: string; count: number }[];
}) {
  const models = [...new Set(counts.map((c) => c.model))].sort();
  const used = tags.filter((t) => counts.some((c) => c.tag === t.key));
  const data = models.map((model) => ({
    model,
    ...Object.fromEntries(used.map((t) => [t.key, counts.find((c) => c.model === model && c.tag === t.key)?.count ?? 0])),
  }));
  const lines = models.map((m) => wrapLabel(m, LABEL_CHARS));
  const axisWidth = Math.max(48, ...lines.flat().map(labelWidth)) + 8;
  const rowHeight = 20 + 15 * Math.max(1, ...lines.map((l) => l.length));
  const describe = (model: string) =>
    `${model}: ${used
      .map((t) => [t.label, counts.find((c) => c.model === model && c.tag === t.key)?.count ?? 0] as const)
      .filter(([, n]) => n > 0)
      .map(([label, n]) => `${label} ${n}`)
      .join(", ")}`;
  return (
    <figure
      aria-label={title}
      className="w-full"
      style={{ height: Math.max(180, rowHeight * data.length + 40 + 22 * Math.ceil(used.length / 3)) }}
    >
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" horizontal={false} stroke={CHART_GRID} />
          <XAxis type="number" allowDecimals={false} tick={CHART_TICK} stroke={CHART_REFERENCE} />
          <YAxis type="category" dataKey="model" width={axisWidth} tick={<ModelTick />} interval={0} stroke={CHART_REFERENCE} />
          <Tooltip {...CHART_TOOLTIP} />
          <Legend wrapperStyle={{ fontSize: 12, color: CHART_TEXT }} />
          {used.map((t) => (
            <Bar
              key={t.key}
              dataKey={t.key}
              name={t.label}
              stackId="tags"
              fill={`var(--critique-chart-${t.colour})`}
              isAnimationActive={false}
            />
          ))}
        </BarChart>
      </ResponsiveContainer>
      <figcaption className="sr-only">{models.map(describe).join("; ")}</figcaption>
    </figure>
  );
}
