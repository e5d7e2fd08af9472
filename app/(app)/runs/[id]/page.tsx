import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { CritiqueQuotes } from "@/components/runs/critique-quotes";
import { PositionChart } from "@/components/runs/position-chart";
import { RunLive } from "@/components/runs/run-live";
import { formatFigure } from "@/lib/agreement/agreement-summary";
import { requireRole } from "@/lib/auth/guard";
import { isId } from "@/lib/core/ids";
import { runView } from "@/lib/judge/queries";
import { runCritiqueSummary } from "@/lib/judge/runs/run-critiques";
import { runBatches, runFailures, runPositionReport, runProgress, runPrompts } from "@/lib/judge/runs/run-views";

export const metadata: Metadata = { title: "Run" };
export const dynamic = "force-dynamic";

export default async function RunPage({ params }: { params: Promise<{ id: string }> }) {
  const user = await requireRole("ADMIN", "RESEARCHER");
  const { id } = await params;
  if (!isId(id)) notFound();
  const [run, progress] = await Promise.all([runView(id), runProgress(id)]);
  if (!run || !progress) notFound();
  // A judge evaluation is a judge too (endpoint, model, template), on a benchmark's pairs rather than whole prompts.
  const judge = run.kind !== "GENERATE";
  const [failures, batches, prompts, report, critiques] = await Promise.all([
    runFailures(id),
    runBatches(id),
    runPrompts(id),
    run.kind === "JUDGE" ? runPositionReport(id) : null,
    run.kind === "JUDGE" ? runCritiqueSummary(id) : null,
  ]);
  const config = run.config;
  const evaluation = config.evaluation;
  const leaderboard =
    evaluation && (evaluation.setId ? `/leaderboards/set/${evaluation.setId}` : `/leaderboards/export/${evaluation.exportId}`);
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/runs" className="text-brand-700 underline">
          ← Runs
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">{run.name}</h1>
      <p className="text-sm text-slate-600">
        {run.kind === "JUDGE" ? "Judge run" : run.kind === "PAIR_JUDGE" ? "Judge evaluation (each pair in both orders)" : "Generation run"}{" "}
        on{" "}
        <Link href={`/projects/${run.projectSlug}`} className="underline">
          {run.projectName}
        </Link>
        {judge && !config.imported && (
          <>
            {" "}
            · {run.endpointName} / {run.model} · template “{run.templateName}” v{run.templateVersion} · P = {run.permutations} · temperature{" "}
            {run.temperature} · {run.mode === "BATCH" ? "Batch API" : `up to ${run.maxConcurrency} calls at once`} · seed {run.seed}
          </>
        )}
        {config.imported && <> · imported from {config.imported.file}</>}
        {leaderboard && (
          <>
            {" "}
            ·{" "}
            <Link href={leaderboard} className="underline">
              its leaderboard
            </Link>
          </>
        )}
        {!judge && (
          <>
            {" "}
            · N = {config.targetCandidates} · models {config.models?.map((m) => m.model).join(", ")}
          </>
        )}
      </p>
      <RunLive initial={progress} canControl={user.role === "ADMIN" && !config.imported} />

      {report && (
        <section aria-labelledby="consistency-heading" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="consistency-heading" className="font-semibold">
            Position consistency
          </h2>
          {report.promptsCompared === 0 ? (
            <p className="text-sm text-slate-600">Needs prompts with at least two permutations judged.</p>
          ) : (
            <>
              <dl className="grid grid-cols-2 gap-3 text-sm md:grid-cols-4" data-testid="consistency-figures">
                <div>
                  <dt className="text-slate-500">Prompts compared</dt>
                  <dd className="font-semibold">{report.promptsCompared}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Mean Kendall tau-b between permutations</dt>
                  <dd className="font-semibold">{formatFigure(report.meanKendallTauB)}</dd>
                </div>
                <div>
                  <dt className="text-slate-500">Same best candidate in every permutation</dt>
                  <dd className="font-semibold">
                    {report.top1AgreementRate === null ? "—" : `${(100 * report.top1AgreementRate).toFixed(1)}%`}
                  </dd>
                </div>
                <div>
                  <dt className="text-slate-500">No bias would give</dt>
                  <dd className="font-semibold">
                    mean rank {report.candidates ? ((report.candidates + 1) / 2).toFixed(1) : "—"} at every position
                  </dd>
                </div>
              </dl>
              <h3 className="text-sm font-medium">Mean rank by shown position ({report.candidates} candidates)</h3>
              <PositionChart meanRanks={report.meanRankByShownPosition} />
            </>
          )}
        </section>
      )}

      {critiques && <CritiqueQuotes summary={critiques} projectSlug={run.projectSlug} />}

      {batches.length > 0 && (
        <section aria-labelledby="batches-heading" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="batches-heading" className="mb-2 font-semibold">
            Batches
          </h2>
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left">
              <tr>
                <th className="px-2 py-1">Batch</th>
                <th className="px-2 py-1">Status</th>
                <th className="px-2 py-1">Requests</th>
                <th className="px-2 py-1">Submitted</th>
                <th className="px-2 py-1">Finished</th>
              </tr>
            </thead>
            <tbody>
              {batches.map((b) => (
                <tr key={b.id} className="border-t border-slate-100">
                  <td className="px-2 py-1 font-mono text-xs">{b.remoteBatchId ?? "(not created)"}</td>
                  <td className="px-2 py-1">{b.status}</td>
                  <td className="px-2 py-1">{b.requestCount}</td>
                  <td className="px-2 py-1">{b.createdAt.toISOString().slice(0, 19).replace("T", " ")}</td>
                  <td className="px-2 py-1">{b.finishedAt?.toISOString().slice(0, 19).replace("T", " ") ?? "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}

      <section aria-labelledby="failures-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="failures-heading" className="mb-2 font-semibold">
          Failed calls {failures.length === 50 && <span className="font-normal text-slate-500">(latest 50)</span>}
        </h2>
        {failures.length === 0 ? (
          <p className="text-sm text-slate-600">None.</p>
        ) : (
          <ul className="space-y-2 text-sm">
            {failures.map((f) => (
              <li key={f.id} className="rounded border border-red-100 p-2">
                <div>
                  <Link href={`/projects/${run.projectSlug}/prompts/${f.promptId}`} className="underline">
                    {f.externalId ?? f.promptId.slice(0, 8)}
                  </Link>{" "}
                  ·{" "}
                  {run.kind === "JUDGE" ? (
                    <>permutation {f.permutationIndex + 1}</>
                  ) : run.kind === "PAIR_JUDGE" ? (
                    <>unit {f.permutationIndex + 1}</>
                  ) : (
                    <>model {f.model ?? `#${f.permutationIndex + 1}`}</>
                  )}{" "}
                  · attempt {f.attempt} · <span className="text-red-700">{f.error}</span>
                </div>
                <details>
                  <summary className="cursor-pointer text-slate-600">Raw response</summary>
                  <pre className="mt-1 max-h-64 overflow-auto whitespace-pre-wrap break-words bg-slate-50 p-2 text-xs">
                    {f.response === null ? "(no response: the request itself failed)" : JSON.stringify(f.response, null, 2)}
                  </pre>
                </details>
              </li>
            ))}
          </ul>
        )}
      </section>

      {prompts.length > 0 && (
        <section aria-labelledby="prompts-heading" className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id="prompts-heading" className="mb-2 font-semibold">
            Prompts {prompts.length === 100 && <span className="font-normal text-slate-500">(first 100)</span>}
          </h2>
          <ul className="divide-y divide-slate-100 text-sm">
            {prompts.map((p) => (
              <li key={p.promptId} className="flex justify-between gap-2 py-1">
                <Link href={`/projects/${run.projectSlug}/prompts/${p.promptId}`} className="truncate text-brand-700 underline">
                  {p.externalId ?? p.promptId.slice(0, 8)}: {p.preview}
                </Link>
                <span className="shrink-0 text-slate-600">
                  {p.best && <>best: {p.best.join(" = ")} · </>}
                  {p.done}/{p.total}
                  {p.failed ? <span className="text-red-700"> · {p.failed} failed</span> : null}
                </span>
              </li>
            ))}
          </ul>
        </section>
      )}
    </div>
  );
}
