import { ACCURACY_KEYS } from "@/lib/rm-eval/accuracy";
import type { Leaderboard } from "@/lib/rm-eval/queries";
import { csvCell } from "@/lib/text/csv-cell";

/** The leaderboard as CSV: one row per evaluation (references included), accuracy and its 95% interval per key. */
export function leaderboardCsv(board: Leaderboard): string {
  const header = ["name", "kind", "notes", "created_at", "created_by", "pairs", ...ACCURACY_KEYS.flatMap((k) => [k, `${k}_lo`, `${k}_hi`])];
  const lines = board.rows.map((r) =>
    [
      r.name,
      r.kind,
      r.notes,
      r.createdAt,
      r.createdBy,
      r.pairs,
      ...ACCURACY_KEYS.flatMap((k) => [r.accuracy[k], r.ci95[k]?.[0] ?? null, r.ci95[k]?.[1] ?? null]),
    ]
      .map(csvCell)
      .join(","),
  );
  return [header.map(csvCell).join(","), ...lines].join("\n") + "\n";
}

/** The leaderboard as JSON: the benchmark, then every row in the --json shape of rm-eval plus who and when. */
export function leaderboardJson(board: Leaderboard) {
  return {
    target: board.target,
    id: board.id,
    title: board.title,
    pairs: board.keptPairs,
    rows: board.rows.map((r) => ({
      name: r.name,
      kind: r.kind,
      notes: r.notes,
      createdAt: r.createdAt,
      createdBy: r.createdBy,
      pairs: r.pairs,
      accuracy: Object.fromEntries(ACCURACY_KEYS.map((k) => [k, r.accuracy[k]])),
      ci95: Object.fromEntries(ACCURACY_KEYS.map((k) => [k, r.ci95[k]])),
      ...(r.judgeRun && { judgeRun: r.judgeRun }),
    })),
  };
}
