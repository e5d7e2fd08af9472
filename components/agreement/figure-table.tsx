import Link from "next/link";
import { FIGURE_KEYS, FIGURE_LABELS, type AgreementFigures, type FigureKey } from "@/lib/agreement/agreement-figures";
import { FIGURE_HELP, figureCell, METRICS_HELP_PATH, MIN_PROMPTS_FOR_FIGURE, type FigureCell } from "@/lib/agreement/figure-display";

/** One figure: the value and its interval, or why there is none ("too few prompts", "—"). */
export function FigureValue({ cell, intervalAsTitle = false }: { cell: FigureCell; intervalAsTitle?: boolean }) {
  if (cell.kind === "too-few") {
    return (
      <span
        className="text-xs italic text-slate-600"
        title={`Fewer than ${MIN_PROMPTS_FOR_FIGURE} prompts, or an interval that cannot be computed: the figure would say more about these few prompts than about the raters.`}
      >
        {cell.text}
      </span>
    );
  }
  if (cell.kind === "none") return <span className="font-mono">—</span>;
  if (intervalAsTitle)
    return (
      <span className="font-mono" title={cell.interval ? `95% interval ${cell.interval}` : undefined}>
        {cell.text}
      </span>
    );
  return (
    <>
      <span className="font-mono">{cell.text}</span>
      {cell.interval && (
        <>
          {" "}
          <span className="text-xs text-slate-500">{cell.interval}</span>
        </>
      )}
    </>
  );
}

/** What each figure means, one line each, with the link to the formulas; rows point at it with aria-describedby. */
export function FigureLegend({ idPrefix, keys = FIGURE_KEYS }: { idPrefix: string; keys?: readonly FigureKey[] }) {
  return (
    <div className="border-t border-slate-100 px-3 py-2 text-xs text-slate-600">
      <dl className="grid gap-x-3 gap-y-1 sm:grid-cols-[max-content_1fr]">
        {keys.map((key) => (
          <div key={key} className="contents">
            <dt className="font-medium text-slate-700">{FIGURE_LABELS[key]}</dt>
            <dd id={`${idPrefix}-${key}`}>{FIGURE_HELP[key]}</dd>
          </div>
        ))}
      </dl>
      <p className="mt-1">
        Intervals are 95% bootstrap intervals over prompts; figures over fewer than {MIN_PROMPTS_FOR_FIGURE} prompts are not shown.{" "}
        <Link href={METRICS_HELP_PATH} className="text-brand-700 underline">
          Formulas and definitions
        </Link>
      </p>
    </div>
  );
}

/** Agreement figures side by side (one column per rater set), each with its 95% interval. */
export function FigureTable({
  columns,
  keys = FIGURE_KEYS,
  caption,
  idPrefix,
}: {
  columns: { label: string; figures: AgreementFigures }[];
  keys?: readonly FigureKey[];
  caption?: string;
  idPrefix: string;
}) {
  return (
    <div>
      <div className="overflow-x-auto">
        <table className="w-full text-sm">
          {caption && <caption className="px-3 py-2 text-left text-slate-600">{caption}</caption>}
          <thead className="bg-slate-50 text-left">
            <tr>
              <th className="px-3 py-2">Figure</th>
              {columns.map((c) => (
                <th key={c.label} className="px-3 py-2 [overflow-wrap:anywhere]">
                  {c.label}
                  <div className="text-xs font-normal text-slate-500">
                    {c.figures.prompts} prompts · {c.figures.raters} raters
                  </div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {keys.map((key) => (
              <tr key={key} className="border-t border-slate-100">
                <th
                  scope="row"
                  className="px-3 py-2 text-left font-medium"
                  title={FIGURE_HELP[key]}
                  aria-describedby={`${idPrefix}-${key}`}
                >
                  {FIGURE_LABELS[key]}
                </th>
                {columns.map((c) => (
                  <td key={c.label} className="px-3 py-2" data-figure={key}>
                    <FigureValue cell={figureCell(c.figures[key], c.figures.ci95[key], c.figures.prompts)} />
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <FigureLegend idPrefix={idPrefix} keys={keys} />
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
