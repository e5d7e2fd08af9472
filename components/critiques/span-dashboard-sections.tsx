import Link from "next/link";
import { FigureValue } from "@/components/agreement/figure-table";
import { TagsByModelChart } from "@/components/critiques/tags-by-model-chart";
import { Card, CardNote } from "@/components/ui/card";
import { IntervalBarChart, type IntervalBar } from "@/components/ui/interval-bar-chart";
import { StatCard, StatGrid } from "@/components/ui/stat-card";
import { Cell, HeaderCell, Row, RowHeader, Table } from "@/components/ui/table";
import { MIN_PROMPTS_FOR_FIGURE, METRICS_HELP_PATH, type FigureCell } from "@/lib/agreement/figure-display";
import type { SpanDashboard, TagDisplay } from "@/lib/critiques/queries";
import type { TagSpanAgreement } from "@/lib/critiques/span-agreement";
import type { DashboardSpanAgreement } from "@/lib/critiques/span-dashboard";
import { SEVERITY_LABELS } from "@/lib/critiques/taxonomy";

const stacked = "border-t border-slate-200";

/** An F1 (or precision, recall) as the dashboard prints figures: with its interval, or "too few candidates" below the usual minimum. */
function spanFigure(value: number | null, interval: [number, number] | null, candidates: number): FigureCell {
  if (value === null) return { kind: "none", text: "—" };
  if (candidates < MIN_PROMPTS_FOR_FIGURE) return { kind: "too-few", text: `too few candidates (${candidates})`, prompts: candidates };
  return { kind: "value", text: value.toFixed(3), interval: interval ? `[${interval[0].toFixed(3)}, ${interval[1].toFixed(3)}]` : "" };
}

const shown = (candidates: number) => candidates >= MIN_PROMPTS_FOR_FIGURE;

function TagName({ tag }: { tag: TagDisplay }) {
  return (
    <>
      <span className={`critique-chip critique-colour-${tag.colour}`} aria-hidden>
        {tag.marker}
      </span>{" "}
      {tag.label}
    </>
  );
}

/** The agreement's rows: all tags first, then each tag used, in the taxonomy's order. */
function agreementRows(agreement: DashboardSpanAgreement, tags: readonly TagDisplay[]) {
  const byKey = new Map(agreement.byTag.map((t) => [t.tag!, t]));
  return [
    { key: "all", tag: null, figures: agreement.overall, candidates: agreement.candidates },
    ...tags
      .filter((t) => byKey.has(t.key))
      .map((t) => ({ key: t.key, tag: t, figures: byKey.get(t.key)!, candidates: agreement.candidatesByTag[t.key] ?? 0 })),
  ];
}

const bar = (label: string, figures: TagSpanAgreement, candidates: number, reference = false): IntervalBar | null =>
  shown(candidates) && figures.f1 !== null ? { label, value: figures.f1, ci95: figures.interval, reference } : null;

const SPAN_F1_HELP =
  "Character-level overlap of two raters' marked text on the same candidate: 2 × the characters both marked / the characters each marked, summed over every pair of raters and candidate (1 = the same text marked, 0 = no overlap). Pairs where neither marked anything are left out; a rater who ranked the candidate and marked nothing counts.";

/** Span agreement between clinicians on the same candidates, per tag and overall, with a chart of the figures with intervals. */
export function ClinicianSpanAgreementCard({ spans }: { spans: SpanDashboard }) {
  const agreement = spans.clinicians;
  // Nothing marked at all: the statistics card says so once.
  if (spans.statistics.total === 0) return null;
  const rows = agreementRows(agreement, spans.tags);
  const bars = rows.map((r) => bar(r.tag ? r.tag.label : "All tags", r.figures, r.candidates, r.tag === null)).filter((b) => b !== null);
  return (
    <Card id="span-agreement-heading" title="Marked spans: clinicians with each other">
      {agreement.candidates === 0 ? (
        <CardNote>No candidate is marked by one clinician and ranked by another yet.</CardNote>
      ) : (
        <>
          <p className="px-4 pt-3 text-xs text-slate-600">
            {SPAN_F1_HELP} Intervals: 95% bootstrap over candidates.{" "}
            <Link href={METRICS_HELP_PATH} className="text-brand-700 underline">
              Definitions
            </Link>
          </p>
          <Table
            caption="Span overlap F1 between clinicians, by tag"
            keyboardScroll
            head={
              <>
                <HeaderCell>Tag</HeaderCell>
                <HeaderCell title="Marked candidates ranked by at least two clinicians (for a tag: where one of them used it).">
                  Candidates
                </HeaderCell>
                <HeaderCell title="Pairs of clinicians on a candidate where at least one marked text (with this tag).">
                  Rater pairs
                </HeaderCell>
                <HeaderCell title={SPAN_F1_HELP}>Overlap F1 (95% interval)</HeaderCell>
              </>
            }
          >
            {rows.map((r) => (
              <Row key={r.key}>
                <RowHeader>{r.tag ? <TagName tag={r.tag} /> : "All tags"}</RowHeader>
                <Cell>{r.candidates}</Cell>
                <Cell>{r.figures.pairs}</Cell>
                <Cell>
                  <FigureValue cell={spanFigure(r.figures.f1, r.figures.interval, r.candidates)} />
                </Cell>
              </Row>
            ))}
          </Table>
          {bars.length > 0 && (
            <div className={`${stacked} p-4`}>
              <IntervalBarChart title="Span overlap F1 between clinicians (%, 95% interval)" bars={bars} />
            </div>
          )}
        </>
      )}
    </Card>
  );
}

/** Each judge run's spans against each clinician's on the candidates both rated, beside the judges' ranking agreement. */
export function JudgeSpanAgreementCard({ spans }: { spans: SpanDashboard }) {
  if (spans.judges.length === 0) return null;
  const name = (runId: string) => spans.runs[runId]?.name ?? runId;
  const bars = [
    bar("Clinicians with each other", spans.clinicians.overall, spans.clinicians.candidates, true),
    ...spans.judges.map((j) => bar(name(j.runId), j.agreement.overall, j.agreement.candidates)),
  ].filter((b) => b !== null);
  return (
    <Card id="judge-span-agreement-heading" title="Marked spans: judges against the clinicians">
      <p className="px-4 pt-3 text-xs text-slate-600">
        Each judge run&apos;s spans (its permutations&apos; together) against each clinician&apos;s on the candidates both ranked and either
        marked. Precision: the share of the judge&apos;s marked text a clinician marked too; recall: the share of the clinicians&apos;
        marked text the judge marked.
      </p>
      <Table
        caption="Span agreement of judge runs with the clinicians"
        keyboardScroll
        head={
          <>
            <HeaderCell>Judge run</HeaderCell>
            <HeaderCell title="Spans the run marked (a text its permutations marked alike counts once).">Spans</HeaderCell>
            <HeaderCell>Candidates</HeaderCell>
            <HeaderCell title={SPAN_F1_HELP}>Overlap F1 (95% interval)</HeaderCell>
            <HeaderCell>Precision</HeaderCell>
            <HeaderCell>Recall</HeaderCell>
          </>
        }
      >
        {spans.judges.map((j) => {
          const { overall, candidates } = j.agreement;
          return (
            <Row key={j.runId}>
              <RowHeader>
                <Link href={`/runs/${j.runId}`} className="text-brand-700 underline [overflow-wrap:anywhere]">
                  {name(j.runId)}
                </Link>
                {spans.runs[j.runId]?.model && <span className="font-normal text-slate-600"> ({spans.runs[j.runId]!.model})</span>}
              </RowHeader>
              <Cell>{j.spans}</Cell>
              <Cell>{candidates}</Cell>
              <Cell>
                <FigureValue cell={spanFigure(overall.f1, overall.interval, candidates)} />
              </Cell>
              <Cell>
                <FigureValue cell={spanFigure(overall.precision, null, candidates)} />
              </Cell>
              <Cell>
                <FigureValue cell={spanFigure(overall.recall, null, candidates)} />
              </Cell>
            </Row>
          );
        })}
      </Table>
      {bars.length > 1 && (
        <div className={`${stacked} p-4`}>
          <IntervalBarChart title="Span overlap F1, judges against the clinicians (%, 95% interval)" bars={bars} />
        </div>
      )}
    </Card>
  );
}

/** A count per tag (rows) and per value of another field (columns): model, source or rater. */
function CrossCountTable({
  caption,
  columnTitle,
  tags,
  counts,
}: {
  caption: string;
  columnTitle: string;
  tags: readonly TagDisplay[];
  counts: readonly { tag: string; other: string; count: number }[];
}) {
  const columns = [...new Set(counts.map((c) => c.other))].sort();
  const rows = tags.filter((t) => counts.some((c) => c.tag === t.key));
  const count = (tag: string, other: string) => counts.find((c) => c.tag === tag && c.other === other)?.count ?? 0;
  return (
    <Table
      caption={caption}
      showCaption
      keyboardScroll
      className={stacked}
      head={
        <>
          <HeaderCell>Tag \ {columnTitle}</HeaderCell>
          {columns.map((c) => (
            <HeaderCell key={c} className="[overflow-wrap:anywhere]">
              {c}
            </HeaderCell>
          ))}
        </>
      }
    >
      {rows.map((t) => (
        <Row key={t.key}>
          <RowHeader>
            <TagName tag={t} />
          </RowHeader>
          {columns.map((c) => {
            const n = count(t.key, c);
            return (
              <Cell key={c} className={`font-mono ${n === 0 ? "text-slate-500" : ""}`}>
                {n}
              </Cell>
            );
          })}
        </Row>
      ))}
    </Table>
  );
}

/** The clinicians' marked spans counted: by severity, and by tag against model, source dataset and rater, with a chart of tags by model. */
export function SpanStatisticsCard({ spans }: { spans: SpanDashboard }) {
  const { statistics, tags } = spans;
  const raters = new Set(statistics.byTagAndRater.map((r) => r.rater)).size;
  return (
    <Card id="span-statistics-heading" title="Marked spans: what the clinicians found">
      {statistics.total === 0 ? (
        <CardNote>No clinician has marked a span in the rankings or pair answers these filters keep yet.</CardNote>
      ) : (
        <>
          <div className="p-4">
            <StatGrid>
              <StatCard
                label="Marked spans"
                value={statistics.total}
                hint={`by ${raters} ${raters === 1 ? "clinician" : "clinicians"}${spans.pairAnswerSpans ? `, ${spans.pairAnswerSpans} in pair answers` : ""}`}
              />
              {statistics.bySeverity.map((s) => (
                <StatCard key={s.severity} label={SEVERITY_LABELS[s.severity].label} value={s.count} />
              ))}
            </StatGrid>
          </div>
          <div className={`${stacked} p-4`}>
            <h3 className="mb-2 font-medium">Tags by model</h3>
            <TagsByModelChart title="Marked spans by model and tag" tags={tags} counts={statistics.byTagAndModel} />
          </div>
          <CrossCountTable
            caption="Spans by tag and model"
            columnTitle="model"
            tags={tags}
            counts={statistics.byTagAndModel.map((c) => ({ tag: c.tag, other: c.model, count: c.count }))}
          />
          <CrossCountTable
            caption="Spans by tag and source dataset"
            columnTitle="source"
            tags={tags}
            counts={statistics.byTagAndSource.map((c) => ({ tag: c.tag, other: c.source, count: c.count }))}
          />
          <CrossCountTable
            caption="Spans by tag and rater"
            columnTitle="rater"
            tags={tags}
            counts={statistics.byTagAndRater.map((c) => ({ tag: c.tag, other: c.rater, count: c.count }))}
          />
        </>
      )}
    </Card>
  );
}
