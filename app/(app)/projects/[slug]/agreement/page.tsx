import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AgreementCounts } from "@/components/agreement/agreement-counts";
import { AgreementFilters } from "@/components/agreement/agreement-filters";
import { AnnotatorsSection } from "@/components/agreement/annotators-section";
import { BiasSection } from "@/components/agreement/bias-section";
import { BreakdownTable } from "@/components/agreement/breakdown-table";
import { ClinicianSpanAgreementCard, JudgeSpanAgreementCard, SpanStatisticsCard } from "@/components/critiques/span-dashboard-sections";
import { FigureTable } from "@/components/agreement/figure-table";
import { JudgesSection } from "@/components/agreement/judges-section";
import { ModelsSection } from "@/components/agreement/models-section";
import { RefreshWhilePending } from "@/components/ui/refresh-while-pending";
import { ReportBeingComputed } from "@/components/agreement/report-being-computed";
import { Card, CardNote } from "@/components/ui/card";
import { METRICS_HELP_PATH } from "@/lib/agreement/figure-display";
import { dashboardAgreement, reportFilterSchema, type DashboardAgreement } from "@/lib/agreement/project-agreement";
import { reportAgeLabel } from "@/lib/agreement/report-age";
import { requireRole } from "@/lib/auth/guard";
import { spanDashboard } from "@/lib/critiques/queries";
import { AppError } from "@/lib/errors/app-error";
import { describeProblems, zodProblems } from "@/lib/errors/zod-problems";
import { startQueue } from "@/lib/jobs/queue";

export const metadata: Metadata = { title: "Agreement" };
export const dynamic = "force-dynamic";

type Search = Record<string, string | string[] | undefined>;
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter(Boolean);

/** The filter of the query string; an invalid one is ignored, and said so. */
function readFilter(search: Search, isAdmin: boolean) {
  const parsed = reportFilterSchema.safeParse({
    from: list(search.from)[0] || null,
    to: list(search.to)[0] || null,
    // Researchers see no annotators, so they cannot filter by one either.
    annotatorIds: isAdmin ? list(search.annotator) : [],
    runIds: list(search.run),
  });
  if (parsed.success) return { filter: parsed.data, filterError: null };
  return { filter: {}, filterError: describeProblems(zodProblems(parsed.error, "filter")) };
}

export default async function AgreementPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Search>;
}) {
  const user = await requireRole("ADMIN", "RESEARCHER");
  const isAdmin = user.role === "ADMIN";
  const { slug } = await params;
  const { filter, filterError } = readFilter(await searchParams, isAdmin);
  // Never waits for a computation: the stored report (any age) now, a refresh in the background.
  const result = await dashboardAgreement(startQueue, slug, filter).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const { project, stored, refresh } = result;
  if (!stored) {
    const since = refresh ? Math.max(0, Math.round((result.now.getTime() - refresh.requestedAt.getTime()) / 1000)) : 0;
    return (
      <div className="space-y-6">
        <RefreshWhilePending pending />
        <AgreementHeader result={result} isAdmin={isAdmin} />
        <ReportBeingComputed phase={refresh?.phase ?? "queued"} seconds={since} />
      </div>
    );
  }
  const { report } = stored;
  // Read live, not part of the stored report (lib/critiques/queries.ts): the spans' figures are always current.
  const spans = await spanDashboard(project.id, filter, { showRaterNames: isAdmin });
  const runName = new Map(report.runs.map((r) => [r.id, r.name]));
  const raters = report.annotators.map((a) => ({ id: a.raterId, name: a.name }));
  return (
    <div className="space-y-6">
      <RefreshWhilePending pending={refresh !== null} />
      <AgreementHeader result={result} isAdmin={isAdmin} />
      <AgreementFilters slug={project.slug} filter={filter} filterError={filterError} raters={isAdmin ? raters : []} runs={report.runs} />
      <AgreementCounts counts={report.counts} />
      <Card id="human-heading" title="Clinicians with each other">
        {report.humanHuman.prompts === 0 ? (
          <CardNote>No prompt has two human rankings yet.</CardNote>
        ) : (
          <FigureTable idPrefix="human-figure" columns={[{ label: "Clinicians", figures: report.humanHuman }]} />
        )}
      </Card>
      <ClinicianSpanAgreementCard spans={spans} />
      <JudgesSection report={report} filter={filter} isAdmin={isAdmin} runName={runName} />
      <JudgeSpanAgreementCard spans={spans} />
      {isAdmin && <AnnotatorsSection annotators={report.annotators} raters={raters} heatmap={report.heatmap} />}
      <BiasSection bias={report.bias} />
      <ModelsSection models={report.models} />
      <SpanStatisticsCard spans={spans} />
      <Card id="breakdowns-heading" title="Breakdowns (clinicians with each other; judges against the consensus)">
        <BreakdownTable title="Source dataset" groups={report.breakdowns.bySource} runName={runName} />
        <div className="border-t border-slate-200">
          <BreakdownTable title="Prompt type" groups={report.breakdowns.byType} runName={runName} />
        </div>
      </Card>
    </div>
  );
}

function AgreementHeader({ result, isAdmin }: { result: DashboardAgreement; isAdmin: boolean }) {
  const { project, stored, refresh, now } = result;
  return (
    <div>
      <p className="text-sm">
        <Link href={`/projects/${project.slug}`} className="text-brand-700 underline">
          ← {project.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Agreement</h1>
      <p className="text-sm text-slate-600">
        {stored && (
          <>
            <span role="status" data-testid="report-age">
              {reportAgeLabel(stored.computedAt, now, refresh?.phase ?? null).replace(/^c/, "C")}
            </span>{" "}
            ({stored.computedAt.toISOString().slice(0, 16).replace("T", " ")} UTC, in {(stored.computeMs / 1000).toFixed(1)} s).{" "}
          </>
        )}
        Intervals are 95% bootstrap percentiles over prompts (seeded); figures over fewer than 10 prompts are not shown.{" "}
        <Link href={METRICS_HELP_PATH} className="text-brand-700 underline">
          How each figure is computed
        </Link>
        .
        {isAdmin && (
          <>
            {" "}
            <Link href={`/projects/${project.slug}/agreement/disagreements`} className="text-brand-700 underline">
              Disagreements →
            </Link>
          </>
        )}
      </p>
    </div>
  );
}
