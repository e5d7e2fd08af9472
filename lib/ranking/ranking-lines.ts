/** "1st", "2nd", "3rd", "4th", … "11th", "12th", "13th", "21st". */
export function ordinal(n: number): string {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (({ 1: "st", 2: "nd", 3: "rd" } as Record<number, string>)[n % 10] ?? "th");
  return `${n}${suffix}`;
}

export interface RankingLine {
  /** "1st", or "2nd (tie)" for a tier of several. */
  place: string;
  candidates: { id: string; label: string; model: string | null; notes: string | null }[];
}

/**
 * A stored ranking as lines a reader can follow: "1st: Response 5 · gpt-3.5-turbo (score 4)".
 * Tied candidates share the place of the first (standard competition ranking: 1st, 2nd (tie),
 * 2nd (tie), 4th). `label` numbers candidates as the prompt page shows them; `model` is null for
 * readers who must not see model names.
 */
export function rankingLines(
  tiers: readonly (readonly string[])[],
  candidate: (id: string) => { label: number; model: string | null },
  notesOf: (id: string) => string | null = () => null,
): RankingLine[] {
  let place = 1;
  return tiers.map((tier) => {
    const line = {
      place: `${ordinal(place)}${tier.length > 1 ? " (tie)" : ""}`,
      candidates: tier.map((id) => {
        const c = candidate(id);
        return { id, label: `Response ${c.label}`, model: c.model, notes: notesOf(id) };
      }),
    };
    place += tier.length;
    return line;
  });
}

/** One line as plain text, e.g. for an accessible name or the terminal. */
export const rankingLineText = (line: RankingLine) =>
  `${line.place}: ${line.candidates.map((c) => `${c.label}${c.model ? ` · ${c.model}` : ""}${c.notes ? ` (${c.notes})` : ""}`).join("; ")}`;
