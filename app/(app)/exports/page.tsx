import type { Metadata } from "next";
import Link from "next/link";
import { ExportBuilderForm } from "@/components/exports/export-builder-form";
import { ProgressBar } from "@/components/ui/progress-bar";
import { requireRole } from "@/lib/auth/guard";
import { exportBuilderOptions, listExports } from "@/lib/export/export-views";

export const metadata: Metadata = { title: "Exports" };
export const dynamic = "force-dynamic";

export default async function ExportsPage() {
  await requireRole("ADMIN", "RESEARCHER");
  const [exports, options] = await Promise.all([listExports(), exportBuilderOptions()]);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-semibold">Exports</h1>
        <Link href="/exports/tokens" className="text-sm text-brand-700 underline">
          API tokens
        </Link>
      </div>
      <details className="rounded-lg border border-slate-200 bg-white p-4" open={exports.length === 0}>
        <summary className="cursor-pointer font-semibold">New export</summary>
        <p className="my-2 text-sm text-slate-600">
          Binarized preference data and reward-model splits from the rankings: splits by prompt (near-identical prompts kept together),
          provenance on every row, a dataset card and a manifest with checksums. The same configuration over the same data gives the same
          bytes.
        </p>
        <ExportBuilderForm {...options} />
      </details>
      <section aria-labelledby="exports-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="exports-heading" className="mb-2 font-semibold">
          Exports
        </h2>
        {exports.length === 0 ? (
          <p className="text-sm text-slate-600">No exports yet.</p>
        ) : (
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left">
              <tr>
                <th className="px-2 py-1">Export</th>
                <th className="px-2 py-1">Format</th>
                <th className="px-2 py-1">Status</th>
                <th className="px-2 py-1">Rows</th>
                <th className="px-2 py-1">Created</th>
                <th className="px-2 py-1">Download</th>
              </tr>
            </thead>
            <tbody>
              {exports.map((e) => (
                <tr key={e.id} className="border-t border-slate-100">
                  <td className="px-2 py-1">
                    <Link href={`/exports/${e.id}`} className="font-medium text-brand-700 underline">
                      {e.name}
                    </Link>
                    {e.exportVersion && <span className="ml-1 font-mono text-xs text-slate-500">{e.exportVersion}</span>}
                  </td>
                  <td className="px-2 py-1">
                    {e.format} · {e.fileType}
                  </td>
                  <td className="w-40 px-2 py-1">
                    {e.status === "RUNNING" ? (
                      <ProgressBar label={`Progress of ${e.name}`} value={Math.round(e.progress * 100)} max={100} />
                    ) : (
                      e.status.toLowerCase()
                    )}
                  </td>
                  <td className="px-2 py-1">{e.rowsWritten.toLocaleString("en")}</td>
                  <td className="px-2 py-1">
                    {e.createdAt.slice(0, 16).replace("T", " ")}
                    {e.createdBy ? ` · ${e.createdBy}` : ""}
                  </td>
                  <td className="px-2 py-1">
                    {e.status === "READY" ? (
                      <a href={`/api/exports/${e.id}/zip`} className="text-brand-700 underline" download>
                        .zip
                      </a>
                    ) : (
                      "—"
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
