import { agreementColor, DIAGONAL_CELL_COLOR } from "@/components/agreement/figure-table";
import type { HeatmapCell } from "@/lib/agreement/annotator-quality";

/** Annotator × annotator pairwise agreement over the prompts both ranked (count in each cell's title). */
export function AnnotatorHeatmap({ raters, cells }: { raters: { id: string; name: string }[]; cells: HeatmapCell[] }) {
  const lookup = new Map(
    cells.flatMap((c) => [
      [`${c.a}|${c.b}`, c],
      [`${c.b}|${c.a}`, c],
    ]),
  );
  if (raters.length < 2)
    return <p className="px-4 py-3 text-sm text-slate-600">Two annotators must share prompts before they can be compared.</p>;
  return (
    <div className="overflow-x-auto p-4">
      <table role="grid" aria-label="Annotator agreement heatmap" className="border-collapse text-xs">
        <thead>
          <tr>
            <th />
            {raters.map((r) => (
              <th key={r.id} scope="col" className="h-28 w-12 align-bottom">
                <div className="w-12 origin-bottom-left translate-x-6 -rotate-45 whitespace-nowrap text-left font-medium">{r.name}</div>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {raters.map((row) => (
            <tr key={row.id}>
              <th scope="row" className="whitespace-nowrap pr-2 text-right font-medium">
                {row.name}
              </th>
              {raters.map((col) => {
                const cell = row.id === col.id ? null : lookup.get(`${row.id}|${col.id}`);
                const value = cell?.agreement ?? null;
                return (
                  <td
                    key={col.id}
                    title={
                      cell
                        ? `${row.name} × ${col.name}: ${(value! * 100).toFixed(1)}% of candidate pairs over ${cell.prompts} shared prompts`
                        : row.id === col.id
                          ? ""
                          : "no shared prompts"
                    }
                    className="h-12 w-12 border border-white text-center font-mono"
                    style={{ background: row.id === col.id ? DIAGONAL_CELL_COLOR : agreementColor(value) }}
                  >
                    {row.id === col.id ? "" : value === null ? "·" : value.toFixed(2)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <p className="mt-2 text-xs text-slate-500">
        Share of candidate pairs on which the two gave the same verdict (red 0 → green 1); hover a cell for the number of shared prompts.
      </p>
    </div>
  );
}
