import { agreementColor, DIAGONAL_CELL_COLOR } from "@/components/agreement/figure-table";
import type { ModelComparison } from "@/lib/agreement/model-strengths";

/** Row model's win rate against the column model (ties count half), strongest models first. */
export function WinRateMatrix({ label, comparison }: { label: string; comparison: ModelComparison }) {
  const order = comparison.strengths.map((s) => comparison.models.indexOf(s.model));
  return (
    <div className="overflow-x-auto">
      <table aria-label={`Win rates (${label})`} className="border-collapse text-xs">
        <thead>
          <tr>
            <th className="px-2 text-left">beats →</th>
            {order.map((j) => (
              <th key={j} scope="col" className="max-w-20 px-1 font-medium">
                {comparison.models[j]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {order.map((i) => (
            <tr key={i}>
              <th scope="row" className="whitespace-nowrap px-2 text-left font-medium">
                {comparison.models[i]}
              </th>
              {order.map((j) => {
                const rate = comparison.winRate[i]![j] ?? null;
                return (
                  <td
                    key={j}
                    title={
                      i === j
                        ? ""
                        : `${comparison.models[i]} beats ${comparison.models[j]} in ${rate === null ? "—" : (rate * 100).toFixed(1) + "%"} of ${comparison.comparisons[i]![j]} verdicts`
                    }
                    className="h-8 w-14 border border-white text-center font-mono"
                    style={{ background: i === j ? DIAGONAL_CELL_COLOR : agreementColor(rate) }}
                  >
                    {i === j || rate === null ? "" : rate.toFixed(2)}
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
