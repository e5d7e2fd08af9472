"use client";

import { useState } from "react";
import { Cell, HeaderCell, Row, RowHeader, Table } from "@/components/ui/table";
import { ACCURACY_LABELS, percent } from "@/components/rm-eval/accuracy-format";
import { ACCURACY_KEYS, type AccuracyKey } from "@/lib/rm-eval/accuracy";
import type { LeaderboardRow } from "@/lib/rm-eval/queries";

type SortKey = AccuracyKey | "name" | "createdAt";

/** Every evaluation with its accuracy and 95% interval per category; a column header sorts by it (again: the other way). */
export function LeaderboardTable({ rows }: { rows: LeaderboardRow[] }) {
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "macro", descending: true });
  const sorted = [...rows].sort((a, b) => compare(a, b, sort.key) * (sort.descending ? -1 : 1));
  const header = (key: SortKey, label: string) => (
    <HeaderCell
      key={key}
      aria-sort={sort.key === key ? (sort.descending ? "descending" : "ascending") : "none"}
      className="whitespace-nowrap"
    >
      <button
        type="button"
        className="font-semibold underline-offset-2 hover:underline"
        onClick={() => setSort((s) => ({ key, descending: s.key === key ? !s.descending : key !== "name" }))}
      >
        {label}
        <span aria-hidden="true">{sort.key === key ? (sort.descending ? " ▼" : " ▲") : ""}</span>
      </button>
    </HeaderCell>
  );
  return (
    <Table
      caption="Reward-model leaderboard: accuracy (%) with 95% bootstrap intervals"
      head={
        <>
          {header("name", "Model")}
          {ACCURACY_KEYS.map((k) => header(k, ACCURACY_LABELS[k]))}
          <HeaderCell>Pairs</HeaderCell>
          <HeaderCell>Notes</HeaderCell>
          {header("createdAt", "Date")}
        </>
      }
    >
      {sorted.map((r) => (
        <Row key={r.id ?? r.name} className={r.kind === "reference" ? "bg-slate-50" : ""}>
          <RowHeader>
            {r.name}
            {r.kind !== "scores" && (
              <span className="ml-2 text-xs font-normal text-slate-600">{r.kind === "judge" ? "LLM judge" : "reference"}</span>
            )}
            {r.judgeRun && <JudgeRunProgress run={r.judgeRun} />}
          </RowHeader>
          {ACCURACY_KEYS.map((k) => (
            <Cell key={k} className="whitespace-nowrap tabular-nums">
              <span className={k === "macro" ? "font-semibold" : ""}>{percent(r.accuracy[k])}</span>
              {r.ci95[k] && (
                <span className="block text-xs text-slate-600">
                  {percent(r.ci95[k]![0])}–{percent(r.ci95[k]![1])}
                </span>
              )}
            </Cell>
          ))}
          <Cell className="tabular-nums">{r.pairs}</Cell>
          <Cell className="max-w-xs text-slate-700">{r.notes}</Cell>
          <Cell className="whitespace-nowrap text-slate-600">
            {r.createdAt ? r.createdAt.slice(0, 10) : "computed"}
            {r.createdBy && <span className="block text-xs">{r.createdBy}</span>}
          </Cell>
        </Row>
      ))}
    </Table>
  );
}

/** Where a judge evaluation's run stands: its accuracy counts the verdicts answered so far. */
function JudgeRunProgress({ run }: { run: NonNullable<LeaderboardRow["judgeRun"]> }) {
  return (
    <span className="block text-xs font-normal text-slate-600">
      <a href={`/runs/${run.id}`} className="text-brand-700 underline">
        run {run.status.toLowerCase()}
      </a>
      : {run.answered} of {run.units} calls answered (both orders of each pair)
      {run.unjudged > 0 && `; ${run.unjudged} pair${run.unjudged === 1 ? "" : "s"} not judged yet`}
    </span>
  );
}

function compare(a: LeaderboardRow, b: LeaderboardRow, key: SortKey): number {
  if (key === "name") return a.name.localeCompare(b.name);
  if (key === "createdAt") return (a.createdAt ?? "").localeCompare(b.createdAt ?? "");
  // A category without pairs sorts below every value.
  return (a.accuracy[key] ?? -1) - (b.accuracy[key] ?? -1);
}
