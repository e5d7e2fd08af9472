import { FIGURE_KEYS, FIGURE_LABELS, type AgreementFigures, type FigureKey } from "@/lib/agreement/agreement-figures";
import { formatFigure, formatInterval } from "@/lib/agreement/agreement-summary";

/** Agreement figures side by side (one column per rater set), each with its 95% interval. */
export function FigureTable({ columns, keys = FIGURE_KEYS, caption }: { columns: { label: string; figures: AgreementFigures }[]; keys?: readonly FigureKey[]; caption?: string }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        {caption && <caption className="px-3 py-2 text-left text-slate-600">{caption}</caption>}
        <thead className="bg-slate-50 text-left">
          <tr>
            <th className="px-3 py-2">Figure</th>
            {columns.map((c) => <th key={c.label} className="px-3 py-2">{c.label}<div className="text-xs font-normal text-slate-500">{c.figures.prompts} prompts · {c.figures.raters} raters</div></th>)}
          </tr>
        </thead>
        <tbody>
          {keys.map((key) => (
            <tr key={key} className="border-t border-slate-100">
              <th scope="row" className="px-3 py-2 text-left font-medium">{FIGURE_LABELS[key]}</th>
              {columns.map((c) => (
                <td key={c.label} className="px-3 py-2" data-figure={key}>
                  <span className="font-mono">{formatFigure(c.figures[key])}</span> <span className="text-xs text-slate-500">{formatInterval(c.figures.ci95[key])}</span>
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * A cell background from red (0) through amber to green (1), for agreement shares: pale in light
 * mode, deep in dark mode (app/globals.css sets the saturation and lightness per theme).
 */
export function agreementColor(x: number | null): string {
  if (x === null) return "var(--color-slate-100)";
  const hue = Math.round(Math.max(0, Math.min(1, x)) * 120);
  return `hsl(${hue} var(--heat-saturation) var(--heat-lightness))`;
}

/** The background of a heatmap's diagonal (a rater with themselves). */
export const DIAGONAL_CELL_COLOR = "var(--color-slate-200)";
