import { MeanRankChart } from "@/components/agreement/bias-charts";
import { Card, CardNote } from "@/components/ui/card";
import { Cell, HeaderCell, Row, Table } from "@/components/ui/table";
import type { AgreementReport } from "@/lib/agreement/agreement-report";
import { formatFigure, formatShare } from "@/lib/agreement/agreement-summary";
import type { BiasSeries, SelfPreference } from "@/lib/agreement/rating-bias";

/** Position bias, length bias and self-preference of every rater group. */
export function BiasSection({ bias }: { bias: AgreementReport["bias"] }) {
  return (
    <Card id="bias-heading" title="Bias">
      {bias.candidates === null ? (
        <CardNote>No rankings yet.</CardNote>
      ) : (
        <div className="grid gap-4 p-4 xl:grid-cols-2">
          <PositionBias candidates={bias.candidates} series={bias.series} />
          <LengthBias candidates={bias.candidates} series={bias.series} />
          <div className="min-w-0 xl:col-span-2">
            <h3 className="font-medium">Self-preference</h3>
            {bias.selfPreference.length === 0 ? (
              <p className="text-sm text-slate-600">No judge run ranked candidates from its own model family.</p>
            ) : (
              <SelfPreferenceTable rows={bias.selfPreference} />
            )}
          </div>
        </div>
      )}
    </Card>
  );
}

const positions = (candidates: number) => Array.from({ length: candidates }, (_, i) => String(i + 1));

function PositionBias({ candidates, series }: { candidates: number; series: BiasSeries[] }) {
  const withoutOrder = series.filter((s) => s.withoutShownOrder > 0);
  return (
    <div className="min-w-0">
      <h3 className="font-medium">Position bias: mean rank by shown position</h3>
      <p className="text-xs text-slate-500">
        Prompts with {candidates} candidates. Flat at {((candidates + 1) / 2).toFixed(1)} (dashed) = no position bias; a low first point =
        favours what is read first.
      </p>
      <MeanRankChart
        title="Mean rank by shown position"
        xTitle="shown position"
        xLabels={positions(candidates)}
        series={series.map((s) => ({ label: s.label, values: s.meanRankByShownPosition }))}
      />
      {withoutOrder.length > 0 && (
        <p className="text-xs text-slate-600" data-testid="position-left-out">
          Left out of this chart, because nobody knows the order they were seen in:{" "}
          {withoutOrder.map((s) => `${s.withoutShownOrder} ${s.label} ranking${s.withoutShownOrder === 1 ? "" : "s"}`).join(", ")} (imported
          from a file, which stores no shown order).
        </p>
      )}
    </div>
  );
}

function LengthBias({ candidates, series }: { candidates: number; series: BiasSeries[] }) {
  return (
    <div className="min-w-0">
      <h3 className="font-medium">Length bias: mean rank by length order</h3>
      <p className="text-xs text-slate-500">
        1 = the prompt&apos;s shortest candidate. Falling line = longer answers ranked better. Tau-b of length vs rank:{" "}
        {series.map((s) => `${s.label} ${formatFigure(s.lengthTauB)}`).join(" · ")} (negative = longer preferred).
      </p>
      <MeanRankChart
        title="Mean rank by length order"
        xTitle="length order (1 = shortest)"
        xLabels={positions(candidates)}
        series={series.map((s) => ({ label: s.label, values: s.meanRankByLength }))}
      />
    </div>
  );
}

function SelfPreferenceTable({ rows }: { rows: SelfPreference[] }) {
  return (
    <Table
      caption="Self-preference"
      className="mt-2"
      head={
        <>
          <HeaderCell>Judge run</HeaderCell>
          <HeaderCell>Family</HeaderCell>
          <HeaderCell>Prompts</HeaderCell>
          <HeaderCell>Mean rank of own family: judge / clinicians</HeaderCell>
          <HeaderCell>Own family ranked best: judge / clinicians</HeaderCell>
        </>
      }
    >
      {rows.map((s) => (
        <Row key={s.runId}>
          <Cell>
            {s.label} ({s.judgeModel})
          </Cell>
          <Cell>{s.family}</Cell>
          <Cell>{s.prompts}</Cell>
          <Cell className="font-mono">
            {formatFigure(s.judgeMeanRank, 2)} / {formatFigure(s.humanMeanRank, 2)}
          </Cell>
          <Cell>
            {formatShare(s.judgeTop1Rate)} / {formatShare(s.humanTop1Rate)}
          </Cell>
        </Row>
      ))}
    </Table>
  );
}
