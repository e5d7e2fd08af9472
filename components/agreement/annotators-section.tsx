import { AnnotatorHeatmap } from "@/components/agreement/annotator-heatmap";
import { Card, CardNote } from "@/components/ui/card";
import { Cell, HeaderCell, Row, Table } from "@/components/ui/table";
import { formatFigure, formatShare } from "@/lib/agreement/agreement-summary";
import type { AnnotatorRow, HeatmapCell } from "@/lib/agreement/annotator-quality";

/** Each annotator's work and agreement (admins only), then the pairwise heatmap. */
export function AnnotatorsSection({
  annotators,
  raters,
  heatmap,
}: {
  annotators: AnnotatorRow[];
  raters: { id: string; name: string }[];
  heatmap: HeatmapCell[];
}) {
  return (
    <Card id="annotators-heading" title="Annotators">
      {annotators.length === 0 ? <CardNote>No human rankings match.</CardNote> : <AnnotatorTable annotators={annotators} />}
      <h3 className="border-t border-slate-200 px-4 pt-3 font-medium">Pairwise agreement between annotators</h3>
      <AnnotatorHeatmap raters={raters} cells={heatmap} />
    </Card>
  );
}

function AnnotatorTable({ annotators }: { annotators: AnnotatorRow[] }) {
  return (
    <Table
      caption="Annotators"
      head={
        <>
          <HeaderCell>Annotator</HeaderCell>
          <HeaderCell>Rankings</HeaderCell>
          <HeaderCell>Median time</HeaderCell>
          <HeaderCell>Agreement with the others</HeaderCell>
          <HeaderCell title="Against the admins' gold ranking, over the gold prompts the annotator ranked: pairwise agreement, Kendall's tau-b (mean over prompts) and top-1 (share with the same best).">
            Agreement with gold
          </HeaderCell>
          <HeaderCell>Tie rate</HeaderCell>
          <HeaderCell>Flag rate</HeaderCell>
          <HeaderCell>Kept shown order</HeaderCell>
          <HeaderCell>Attention</HeaderCell>
        </>
      }
    >
      {annotators.map((a) => (
        <Row key={a.raterId} className={a.outlier.length ? "bg-amber-50" : ""} data-outlier={a.outlier.length > 0 || undefined}>
          <Cell>
            {a.name} <span className="text-xs text-slate-500">{a.external ? "external rater" : a.pseudonym}</span>
          </Cell>
          <Cell>{a.rankings}</Cell>
          <Cell>{a.medianSeconds === null ? "—" : `${a.medianSeconds} s`}</Cell>
          <Cell>
            <span className="font-mono">{formatFigure(a.agreementWithConsensus)}</span>{" "}
            <span className="text-xs text-slate-500">
              tau-b {formatFigure(a.tauBWithConsensus)} · {a.promptsWithOthers} prompts
            </span>
          </Cell>
          <Cell>
            <GoldAgreement gold={a.agreementWithGold} />
          </Cell>
          <Cell>{formatShare(a.tieRate)}</Cell>
          <Cell>{formatShare(a.flagRate)}</Cell>
          <Cell>{formatShare(a.keptShownOrderRate)}</Cell>
          <Cell className="text-amber-900">{a.outlier.join("; ")}</Cell>
        </Row>
      ))}
    </Table>
  );
}

function GoldAgreement({ gold }: { gold: AnnotatorRow["agreementWithGold"] }) {
  if (gold.prompts === 0) return "—";
  return (
    <span className="block whitespace-nowrap">
      pairwise <span className="font-mono">{formatFigure(gold.pairwiseAgreement)}</span> · tau-b{" "}
      <span className="font-mono">{formatFigure(gold.kendallTauB)}</span> · top-1{" "}
      <span className="font-mono">{formatShare(gold.top1Agreement)}</span>{" "}
      <span className="text-xs text-slate-500">
        ({gold.prompts} gold prompt{gold.prompts === 1 ? "" : "s"})
      </span>
    </span>
  );
}
