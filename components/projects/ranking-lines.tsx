import type { RankingLine } from "@/lib/ranking/ranking-lines";

/** A ranking, one place per line: "1st: Response 5 · gpt-3.5-turbo (score 4)". */
export function RankingLines({ lines }: { lines: RankingLine[] }) {
  return (
    <ol className="mt-1 space-y-0.5">
      {lines.map((line) => (
        <li key={line.place + line.candidates[0]?.id} className="flex gap-2">
          <span className="w-20 shrink-0 font-medium tabular-nums">{line.place}:</span>{" "}
          <span className="min-w-0 [overflow-wrap:anywhere]">
            {line.candidates.map((c, i) => (
              <span key={c.id}>
                {i > 0 && "; "}
                <span className="whitespace-nowrap">{c.label}</span>
                {c.model && <> · {c.model}</>}
                {c.notes && <span className="text-slate-500"> ({c.notes})</span>}
              </span>
            ))}
          </span>
        </li>
      ))}
    </ol>
  );
}
