import { FigureValue } from "@/components/agreement/figure-table";
import { Cell, HeaderCell, Row, RowHeader, Table } from "@/components/ui/table";
import { FIGURE_KEYS, FIGURE_LABELS } from "@/lib/agreement/agreement-figures";
import type { BreakdownGroup } from "@/lib/agreement/agreement-report";
import { FIGURE_HELP, figureCell } from "@/lib/agreement/figure-display";

/** Every figure for each group: one row for the clinicians, one per judge run against their consensus. */
export function BreakdownTable({
  title,
  groups,
  runName,
}: {
  title: string;
  groups: BreakdownGroup[];
  runName: ReadonlyMap<string, string>;
}) {
  return (
    <Table
      caption={title}
      keyboardScroll
      head={
        <>
          <HeaderCell>{title}</HeaderCell>
          <HeaderCell>Prompts</HeaderCell>
          <HeaderCell>Raters</HeaderCell>
          {FIGURE_KEYS.map((k) => (
            <HeaderCell key={k} title={FIGURE_HELP[k]}>
              {FIGURE_LABELS[k]}
            </HeaderCell>
          ))}
        </>
      }
    >
      {groups.flatMap((g) =>
        [
          { label: "Clinicians", figures: g.humanHuman },
          ...g.judges.map((j) => ({ label: `${runName.get(j.runId)} vs consensus`, figures: j.vsConsensus })),
        ].map((row) => (
          <Row key={`${g.value}|${row.label}`}>
            <RowHeader>{g.value}</RowHeader>
            <Cell>
              {g.prompts} <span className="text-xs text-slate-500">({row.figures.prompts} compared)</span>
            </Cell>
            <Cell>{row.label}</Cell>
            {FIGURE_KEYS.map((k) => (
              <Cell key={k}>
                <FigureValue intervalAsTitle cell={figureCell(row.figures[k], row.figures.ci95[k], row.figures.prompts)} />
              </Cell>
            ))}
          </Row>
        )),
      )}
    </Table>
  );
}
