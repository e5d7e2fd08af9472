/** The ranking screen's keys, shown in the introduction and behind "?". */
export function KeyLegend({ count, allowTies }: { count: number; allowTies: boolean }) {
  const rows: [string, string][] = [
    [
      `1–${count}`,
      count > 9
        ? "rank that response next (type two digits quickly for 10 and above); on a ranked one, pick it"
        : "rank that response next; on a ranked one, pick it",
    ],
    ["↑ ↓", "move the picked response up or down one place"],
    ...(allowTies ? ([["T", "tie the picked response with the one above (again to untie)"]] as [string, string][]) : []),
    ["Backspace", "unrank the picked response"],
    ["Esc", "clear the pick"],
    ["Ctrl+Enter or ⌘+Enter", "submit the ranking"],
    ["Space on a ⠿ handle", "drag with the arrow keys; Space drops, Esc cancels"],
    ["?", "show these keys"],
  ];
  return <KeyList rows={rows} />;
}

/** Keys and what they do, as a definition list (the ranking and pair screens' legends). */
export function KeyList({ rows, label }: { rows: [string, string][]; label?: string }) {
  return (
    <dl aria-label={label} className="grid grid-cols-[auto_1fr] gap-x-3 gap-y-1 text-sm">
      {rows.map(([key, what]) => (
        <div key={key} className="contents">
          <dt>
            <kbd className="rounded border border-slate-300 bg-slate-50 px-1.5 font-mono text-xs">{key}</kbd>
          </dt>
          <dd className="text-slate-700">{what}</dd>
        </div>
      ))}
    </dl>
  );
}
