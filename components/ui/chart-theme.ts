/**
 * Colours for recharts, as CSS variables (app/globals.css defines them for light and dark), so
 * charts follow the theme without knowing it.
 */
export const CHART_COLORS = ["var(--chart-1)", "var(--chart-2)", "var(--chart-3)", "var(--chart-4)", "var(--chart-5)", "var(--chart-6)"];
export const CHART_TICK = { fontSize: 12, fill: "var(--chart-text)" };
export const CHART_GRID = "var(--chart-grid)";
export const CHART_REFERENCE = "var(--chart-reference)";
export const CHART_TEXT = "var(--chart-text)";
export const CHART_TOOLTIP = {
  contentStyle: { background: "var(--color-white)", borderColor: "var(--color-slate-300)", color: "var(--color-slate-900)" },
  labelStyle: { color: "var(--color-slate-900)" },
  cursor: { fill: "var(--color-slate-100)", stroke: "var(--chart-grid)" },
};
