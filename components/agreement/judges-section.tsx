import Link from "next/link";
import { FigureTable, FigureValue } from "@/components/agreement/figure-table";
import { Card, CardNote } from "@/components/ui/card";
import { Cell, HeaderCell, Row, Table } from "@/components/ui/table";
import type { AgreementReport } from "@/lib/agreement/agreement-report";
import { formatFigure, formatShare } from "@/lib/agreement/agreement-summary";
import { countedFigureCell, FIGURE_HELP } from "@/lib/agreement/figure-display";
import type { JudgeAgreement, PairAgreement } from "@/lib/agreement/judge-agreement";
import type { ReportFilter } from "@/lib/agreement/load-report-data";

const stacked = "border-t border-slate-200";

/** Judges against the clinicians' consensus, their position consistency, and against each other and each clinician. */
export function JudgesSection({
  report,
  filter,
  isAdmin,
  runName,
}: {
  report: AgreementReport;
  filter: ReportFilter;
  isAdmin: boolean;
  runName: ReadonlyMap<string, string>;
}) {
  return (
    <Card id="judges-heading" title={<>Judges against the clinicians&apos; consensus</>}>
      {report.judges.length === 0 ? (
        <CardNote>
          {report.counts.judgeRankings === 0 && !filter.runIds?.length
            ? "No judge has ranked prompts of this project yet: start a judge run (Runs) or import a judge's rankings (import-rankings --kind judge)."
            : "No judge run's rankings match these filters."}
        </CardNote>
      ) : (
        <>
          {report.judges.some((j) => j.vsConsensus.prompts > 0) ? (
            <FigureTable
              idPrefix="judge-figure"
              columns={report.judges.map((j) => ({ label: `${j.name} (${j.model ?? "?"})`, figures: j.vsConsensus }))}
              caption="Each judge run's aggregated ranking against the mean-rank consensus of the clinicians, as two raters."
            />
          ) : (
            <CardNote>{nothingToCompare(report, filter)}</CardNote>
          )}
          <PositionConsistencyTable judges={report.judges} />
          {report.judgeVsJudge.length > 0 && <JudgeVsJudgeTable pairs={report.judgeVsJudge} runName={runName} />}
          {isAdmin && report.judges.some((j) => j.vsClinicians.length > 0) && <JudgeVsClinicianTable judges={report.judges} />}
        </>
      )}
    </Card>
  );
}

function nothingToCompare(report: AgreementReport, filter: ReportFilter): string {
  if (report.counts.humanRankings > 0) return "Nothing to compare yet: no prompt is ranked by both a judge run and a clinician.";
  const filtered = filter.from || filter.to || filter.annotatorIds?.length;
  return `Nothing to compare yet: no clinician has ranked ${filtered ? "prompts in this filter" : "a prompt of this project"}, and a judge is measured against the clinicians' consensus. The judges' own position consistency and bias are below.`;
}

function PositionConsistencyTable({ judges }: { judges: JudgeAgreement[] }) {
  return (
    <Table
      caption="Position consistency"
      className={stacked}
      head={
        <>
          <HeaderCell>Judge run</HeaderCell>
          <HeaderCell>Prompts with ≥ 2 permutations</HeaderCell>
          <HeaderCell title="Mean Kendall's tau-b between the rankings the run gave one prompt in different shown orders: 1 = the order shown changes nothing.">
            Tau-b between permutations
          </HeaderCell>
          <HeaderCell title="Share of prompts whose best candidate is the same in every permutation.">
            Same best in every permutation
          </HeaderCell>
        </>
      }
    >
      {judges.map((j) => {
        const { prompts, kendallTauB, top1Agreement } = j.positionConsistency;
        return (
          <Row key={j.runId}>
            <Cell>
              <Link href={`/runs/${j.runId}`} className="text-brand-700 underline">
                {j.name}
              </Link>
            </Cell>
            <Cell>{prompts}</Cell>
            {prompts === 0 ? (
              <Cell colSpan={2} className="text-xs italic text-slate-600">
                one shown order per prompt: consistency needs a run with 2 or more permutations
              </Cell>
            ) : (
              <>
                <Cell>
                  <FigureValue cell={countedFigureCell(kendallTauB, prompts, (x) => formatFigure(x))} />
                </Cell>
                <Cell>
                  <FigureValue cell={countedFigureCell(top1Agreement, prompts, formatShare)} />
                </Cell>
              </>
            )}
          </Row>
        );
      })}
    </Table>
  );
}

/** The three figures of two rankings compared prompt by prompt: pairwise agreement, tau-b, same best. */
function PairHeaderCells() {
  return (
    <>
      <HeaderCell title={FIGURE_HELP.pairwiseAgreement}>Pairwise agreement</HeaderCell>
      <HeaderCell title={FIGURE_HELP.kendallTauB}>Tau-b</HeaderCell>
      <HeaderCell title={FIGURE_HELP.top1Agreement}>Same best</HeaderCell>
    </>
  );
}

function PairCells({ pair }: { pair: PairAgreement }) {
  return (
    <>
      <Cell>
        <FigureValue cell={countedFigureCell(pair.pairwiseAgreement, pair.prompts, (x) => formatFigure(x))} />
      </Cell>
      <Cell>
        <FigureValue cell={countedFigureCell(pair.kendallTauB, pair.prompts, (x) => formatFigure(x))} />
      </Cell>
      <Cell>
        <FigureValue cell={countedFigureCell(pair.top1Agreement, pair.prompts, formatShare)} />
      </Cell>
    </>
  );
}

function JudgeVsJudgeTable({ pairs, runName }: { pairs: AgreementReport["judgeVsJudge"]; runName: ReadonlyMap<string, string> }) {
  return (
    <Table
      caption="Judge runs against each other"
      className={stacked}
      head={
        <>
          <HeaderCell>Runs</HeaderCell>
          <HeaderCell>Shared prompts</HeaderCell>
          <PairHeaderCells />
        </>
      }
    >
      {pairs.map((p) => (
        <Row key={`${p.a}|${p.b}`}>
          <Cell>
            {runName.get(p.a)} × {runName.get(p.b)}
          </Cell>
          <Cell>{p.prompts}</Cell>
          <PairCells pair={p} />
        </Row>
      ))}
    </Table>
  );
}

function JudgeVsClinicianTable({ judges }: { judges: JudgeAgreement[] }) {
  return (
    <Table
      caption="Judges against each clinician"
      className={stacked}
      head={
        <>
          <HeaderCell>Judge run</HeaderCell>
          <HeaderCell>Clinician</HeaderCell>
          <HeaderCell>Shared prompts</HeaderCell>
          <PairHeaderCells />
        </>
      }
    >
      {judges.flatMap((j) =>
        j.vsClinicians.map((c) => (
          <Row key={`${j.runId}|${c.raterId}`}>
            <Cell>{j.name}</Cell>
            <Cell>{c.name}</Cell>
            <Cell>{c.prompts}</Cell>
            <PairCells pair={c} />
          </Row>
        )),
      )}
    </Table>
  );
}
