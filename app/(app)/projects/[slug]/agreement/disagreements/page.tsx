import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { agreementColor } from "@/components/agreement/figure-table";
import { formatFigure } from "@/lib/agreement/agreement-summary";
import { RefreshWhilePending } from "@/components/ui/refresh-while-pending";
import { dashboardAgreement } from "@/lib/agreement/project-agreement";
import { reportAgeLabel } from "@/lib/agreement/report-age";
import { requireRole } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors/app-error";
import { startQueue } from "@/lib/jobs/queue";

export const metadata: Metadata = { title: "Disagreements" };
export const dynamic = "force-dynamic";

export default async function DisagreementsPage({ params }: { params: Promise<{ slug: string }> }) {
  await requireRole("ADMIN");
  const { slug } = await params;
  // The stored report, whatever its age (a refresh runs in the background): never a blocked request.
  const { project, stored, refresh, now } = await dashboardAgreement(startQueue, slug).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const disagreements = stored?.report.disagreements ?? [];
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href={`/projects/${project.slug}/agreement`} className="text-brand-700 underline">
          ← Agreement in {project.name}
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">Disagreements</h1>
      <p className="text-sm text-slate-600">
        Prompts ranked by at least two raters (clinicians and judge runs), lowest agreement first: the share of candidate pairs on which two
        raters gave the same verdict, over every pair of raters. Open one to see every ranking side by side, record an adjudicated ranking,
        or send it back for more rankings.{" "}
        {stored && <span data-testid="report-age">Report {reportAgeLabel(stored.computedAt, now, refresh?.phase ?? null)}.</span>}
      </p>
      <RefreshWhilePending pending={refresh !== null} />
      {!stored ? (
        <p className="text-slate-600" role="status">
          The agreement report is being computed; this page updates by itself when it is ready.
        </p>
      ) : disagreements.length === 0 ? (
        <p className="text-slate-600">No prompt has two rankings yet.</p>
      ) : (
        <div className="overflow-x-auto rounded-lg border border-slate-200 bg-white">
          <table className="w-full text-sm" aria-label="Disagreements">
            <thead className="bg-slate-50 text-left">
              <tr>
                <th className="px-3 py-2">Prompt</th>
                <th className="px-3 py-2">Source · type</th>
                <th className="px-3 py-2">Human rankings</th>
                <th className="px-3 py-2">Judge runs</th>
                <th className="px-3 py-2">Agreement (all)</th>
                <th className="px-3 py-2">Clinicians only</th>
                <th className="px-3 py-2">Adjudicated</th>
              </tr>
            </thead>
            <tbody>
              {disagreements.map((d) => (
                <tr key={d.promptId} className="border-t border-slate-100 align-top">
                  <td className="max-w-xl px-3 py-2">
                    <Link href={`/projects/${project.slug}/prompts/${d.promptId}`} className="line-clamp-2 text-brand-700 hover:underline">
                      {d.preview || d.promptId}
                    </Link>
                  </td>
                  <td className="px-3 py-2">{[d.source, d.promptType].filter(Boolean).join(" · ") || "—"}</td>
                  <td className="px-3 py-2">{d.humanRankings}</td>
                  <td className="px-3 py-2">{d.judgeRuns}</td>
                  <td className="px-3 py-2 font-mono" style={{ background: agreementColor(d.agreement) }}>
                    {formatFigure(d.agreement)}
                  </td>
                  <td className="px-3 py-2 font-mono">{formatFigure(d.humanAgreement)}</td>
                  <td className="px-3 py-2">{d.adjudicated ? "yes" : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </div>
  );
}
