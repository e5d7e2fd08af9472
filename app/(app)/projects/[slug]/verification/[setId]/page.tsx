import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { Card, CardNote } from "@/components/ui/card";
import { IntervalBarChart } from "@/components/ui/interval-bar-chart";
import { StatCard, StatGrid } from "@/components/ui/stat-card";
import { Cell, HeaderCell, Row, RowHeader, Table } from "@/components/ui/table";
import { AdjudicateForm } from "@/components/verification/adjudicate-form";
import { ExportSetForm } from "@/components/verification/export-set-form";
import { requireRole } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors/app-error";
import { verificationSetSummary, type SetBreakdownRow } from "@/lib/verification/queries";

export const metadata: Metadata = { title: "Verification set" };
export const dynamic = "force-dynamic";

const VOTE_LABEL = { CHOSEN: "judge's choice", REJECTED: "the other", TIE: "tie", BOTH_BAD: "both unacceptable" } as const;
const pct = (x: number | null) => (x === null ? "—" : `${(100 * x).toFixed(1)}%`);
const num = (x: number | null) => (x === null ? "—" : x.toFixed(2));
const interval = (c: [number, number] | null, f: (x: number) => string) => (c ? `${f(c[0])} – ${f(c[1])}` : "—");

export default async function VerificationSetPage({ params }: { params: Promise<{ slug: string; setId: string }> }) {
  const user = await requireRole("ADMIN", "RESEARCHER");
  const { slug, setId } = await params;
  const summary = await verificationSetSummary(setId).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const { set, counts, agreement, disputed } = summary;
  if (set.projectSlug !== slug) notFound();
  const { humanHuman: hh, humanJudge: hj } = agreement;
  const canAdjudicate = user.role === "ADMIN" && set.disputed === "adjudicate";
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`/projects/${slug}/verification`} className="text-brand-700 underline">
            Verification sets
          </Link>
        </p>
        <h1 className="text-2xl font-semibold">
          {set.name} <span className="text-slate-500">v{set.version}</span>
        </h1>
        <p className="text-sm text-slate-600">
          From {set.sourceLabel} · {String(set.config.strategy)} pairs · {String(set.config.sampling)} sampling · {set.agree} of{" "}
          {set.raters} raters must agree · disputed pairs {set.disputed === "exclude" ? "left out" : "adjudicated by an admin"} · seed{" "}
          {String(set.config.seed)}
        </p>
        <p className="mt-1 text-sm">
          <Link href={`/leaderboards/set/${setId}`} className="text-brand-700 underline">
            Reward-model leaderboard on this set
          </Link>
        </p>
      </div>
      <StatGrid>
        <StatCard label="Verified" value={counts.verified} hint={`of ${counts.pairs} pairs`} />
        <StatCard label="Overturned" value={counts.overturned} hint="kept, swapped, category human" />
        <StatCard label="Disputed" value={counts.disputed} hint={set.disputed === "exclude" ? "left out" : "awaiting an admin"} />
        <StatCard label="Pending" value={counts.pending} hint="votes still missing" />
      </StatGrid>
      <Card id="agreement-heading" title="Agreement">
        <Table
          caption="Agreement with 95% bootstrap intervals"
          head={
            <>
              <HeaderCell>Measure</HeaderCell>
              <HeaderCell className="text-right">Value</HeaderCell>
              <HeaderCell>95% interval</HeaderCell>
              <HeaderCell className="text-right">Pairs</HeaderCell>
            </>
          }
        >
          <Row>
            <RowHeader>Clinicians with each other: agreement</RowHeader>
            <Cell className="text-right tabular-nums">{pct(hh.agreement)}</Cell>
            <Cell className="tabular-nums">{interval(hh.agreementCi95, (x) => pct(x))}</Cell>
            <Cell className="text-right tabular-nums">{hh.pairs}</Cell>
          </Row>
          <Row>
            <RowHeader>Clinicians with each other: {hh.kappaKind === "cohen" ? "Cohen's" : "Fleiss'"} kappa</RowHeader>
            <Cell className="text-right tabular-nums">{num(hh.kappa)}</Cell>
            <Cell className="tabular-nums">{interval(hh.ci95, (x) => num(x))}</Cell>
            <Cell className="text-right tabular-nums">{hh.pairs}</Cell>
          </Row>
          <Row>
            <RowHeader>Clinicians with the judge (decided pairs upheld)</RowHeader>
            <Cell className="text-right tabular-nums">{pct(hj.agreement)}</Cell>
            <Cell className="tabular-nums">{interval(hj.ci95, (x) => pct(x))}</Cell>
            <Cell className="text-right tabular-nums">{hj.pairs}</Cell>
          </Row>
        </Table>
      </Card>
      <Card id="by-category-heading" title="Clinicians with the judge, by category and source">
        <p className="px-4 pt-3 text-sm text-slate-600">
          Bars: the share of the pairs the clinicians decided (verified or overturned) in which they upheld the judge. Whiskers: 95%
          bootstrap intervals. The human category holds the overturned pairs, so its share is 0 by construction.
        </p>
        <div className="grid gap-6 p-4 lg:grid-cols-2">
          <IntervalBarChart
            title="Share of decided pairs upheld, by category"
            bars={summary.byCategory.map((g) => ({
              label: g.group,
              value: g.agreement.humanJudge.agreement,
              ci95: g.agreement.humanJudge.ci95,
            }))}
          />
          <IntervalBarChart
            title="Share of decided pairs upheld, by source dataset"
            bars={summary.bySource.map((g) => ({
              label: g.group,
              value: g.agreement.humanJudge.agreement,
              ci95: g.agreement.humanJudge.ci95,
            }))}
          />
        </div>
        <BreakdownTable caption="Outcomes and agreement by category" groups={summary.byCategory} />
        <BreakdownTable caption="Outcomes and agreement by source dataset" groups={summary.bySource} />
      </Card>
      <Card id="export-heading" title="Verified benchmark">
        <div className="space-y-3 p-4">
          <p className="text-sm text-slate-600">
            One row per kept pair (verified as the judge chose; overturned with chosen and rejected swapped, in the human category), with
            the judge&apos;s verdict and the raters&apos; votes by pseudonym, a dataset card and a manifest; the same votes give the same
            bytes.
          </p>
          <ExportSetForm setId={set.id} />
        </div>
      </Card>
      <Card id="disputed-heading" title={`Disputed pairs (${disputed.length})`}>
        {disputed.length === 0 ? (
          <CardNote>No disputed pair.</CardNote>
        ) : (
          <ul className="divide-y divide-slate-100">
            {disputed.map((d) => (
              <li key={d.id} className="space-y-2 px-4 py-3 text-sm">
                <div className="flex flex-wrap items-center justify-between gap-2">
                  <Link href={`/projects/${slug}/prompts/${d.promptId}`} className="font-medium text-brand-700 underline">
                    Pair {d.position + 1} · prompt {d.promptLabel}
                  </Link>
                  {canAdjudicate && <AdjudicateForm slug={slug} setId={set.id} pairId={d.id} label={`pair ${d.position + 1}`} />}
                </div>
                <ul className="space-y-1 text-slate-700">
                  {d.votes.map((v, i) => (
                    <li key={i}>
                      <span className="font-medium">{v.rater}</span>: {VOTE_LABEL[v.vote]}
                      {v.confidence !== null && ` (confidence ${v.confidence}/5)`}
                      {v.rationale && <span className="text-slate-600"> — {v.rationale}</span>}
                    </li>
                  ))}
                </ul>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function BreakdownTable({ caption, groups }: { caption: string; groups: SetBreakdownRow[] }) {
  return (
    <Table
      caption={caption}
      showCaption
      className="border-t border-slate-200"
      head={
        <>
          <HeaderCell>Group</HeaderCell>
          <HeaderCell className="text-right">Pairs</HeaderCell>
          <HeaderCell className="text-right">Verified</HeaderCell>
          <HeaderCell className="text-right">Overturned</HeaderCell>
          <HeaderCell className="text-right">Disputed</HeaderCell>
          <HeaderCell className="text-right">Pending</HeaderCell>
          <HeaderCell className="text-right">Kappa</HeaderCell>
          <HeaderCell className="text-right">With judge</HeaderCell>
        </>
      }
    >
      {groups.map((g) => (
        <Row key={g.group}>
          <RowHeader>{g.group}</RowHeader>
          <Cell className="text-right tabular-nums">{g.pairs}</Cell>
          <Cell className="text-right tabular-nums">{g.verified}</Cell>
          <Cell className="text-right tabular-nums">{g.overturned}</Cell>
          <Cell className="text-right tabular-nums">{g.disputed}</Cell>
          <Cell className="text-right tabular-nums">{g.pending}</Cell>
          <Cell className="text-right tabular-nums">{num(g.agreement.humanHuman.kappa)}</Cell>
          <Cell className="text-right tabular-nums">{pct(g.agreement.humanJudge.agreement)}</Cell>
        </Row>
      ))}
    </Table>
  );
}
