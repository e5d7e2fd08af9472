import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { AnnotatorHeatmap } from "@/components/agreement/annotator-heatmap";
import { MeanRankChart, StrengthChart } from "@/components/agreement/bias-charts";
import { FigureTable, FigureValue } from "@/components/agreement/figure-table";
import { WinRateMatrix } from "@/components/agreement/win-rate-matrix";
import { FIGURE_KEYS, FIGURE_LABELS } from "@/lib/agreement/agreement-figures";
import { formatFigure, formatShare } from "@/lib/agreement/agreement-summary";
import { countedFigureCell, FIGURE_HELP, figureCell, METRICS_HELP_PATH } from "@/lib/agreement/figure-display";
import type { PairAgreement } from "@/lib/agreement/judge-agreement";
import type { BreakdownGroup } from "@/lib/agreement/agreement-report";
import { projectAgreement, reportFilterSchema } from "@/lib/agreement/project-agreement";
import { requireRole } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors/app-error";
import { describeProblems, zodProblems } from "@/lib/errors/zod-problems";

export const metadata: Metadata = { title: "Agreement" };
export const dynamic = "force-dynamic";

type Search = Record<string, string | string[] | undefined>;
const list = (v: string | string[] | undefined) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).filter(Boolean);

const section = "rounded-lg border border-slate-200 bg-white";
const heading = "border-b border-slate-200 px-4 py-3 font-semibold";

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
  const search = await searchParams;
  const parsed = reportFilterSchema.safeParse({
    from: list(search.from)[0] || null,
    to: list(search.to)[0] || null,
    // Researchers see no annotators, so they cannot filter by one either.
    annotatorIds: isAdmin ? list(search.annotator) : [],
    runIds: list(search.run),
  });
  const filterError = parsed.success ? null : describeProblems(zodProblems(parsed.error, "filter"));
  const filter = parsed.success ? parsed.data : {};
  const result = await projectAgreement(slug, filter).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const { report, project } = result;
  const runName = new Map(report.runs.map((r) => [r.id, r.name]));
  const raterList = report.annotators.map((a) => ({ id: a.raterId, name: a.name }));
  const stat = (label: string, value: string | number, hint?: string) => (
    <div className="rounded-lg border border-slate-200 bg-white p-4">
      <div className="text-sm text-slate-600">{label}</div>
      <div className="mt-1 text-2xl font-semibold">{value}</div>
      {hint && <div className="text-xs text-slate-500">{hint}</div>}
    </div>
  );
  // Two rankings compared prompt by prompt: pairwise agreement, tau-b, same best.
  const pairCells = (p: PairAgreement) => (
    <>
      <td className="px-3 py-2">
        <FigureValue cell={countedFigureCell(p.pairwiseAgreement, p.prompts, (x) => formatFigure(x))} />
      </td>
      <td className="px-3 py-2">
        <FigureValue cell={countedFigureCell(p.kendallTauB, p.prompts, (x) => formatFigure(x))} />
      </td>
      <td className="px-3 py-2">
        <FigureValue cell={countedFigureCell(p.top1Agreement, p.prompts, formatShare)} />
      </td>
    </>
  );
  // Every figure for each group: one row for the clinicians, one per judge run against their consensus.
  const breakdownTable = (title: string, groups: BreakdownGroup[]) => (
    <div className="overflow-x-auto">
      <table className="w-full text-sm" aria-label={title}>
        <thead className="bg-slate-50 text-left">
          <tr>
            <th className="px-3 py-2">{title}</th>
            <th className="px-3 py-2">Prompts</th>
            <th className="px-3 py-2">Raters</th>
            {FIGURE_KEYS.map((k) => (
              <th key={k} className="px-3 py-2" title={FIGURE_HELP[k]}>
                {FIGURE_LABELS[k]}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {groups.flatMap((g) =>
            [
              { label: "Clinicians", figures: g.humanHuman },
              ...g.judges.map((j) => ({ label: `${runName.get(j.runId)} vs consensus`, figures: j.vsConsensus })),
            ].map((row) => (
              <tr key={`${g.value}|${row.label}`} className="border-t border-slate-100">
                <th scope="row" className="px-3 py-2 text-left font-medium">
                  {g.value}
                </th>
                <td className="px-3 py-2">
                  {g.prompts} <span className="text-xs text-slate-500">({row.figures.prompts} compared)</span>
                </td>
                <td className="px-3 py-2">{row.label}</td>
                {FIGURE_KEYS.map((k) => (
                  <td key={k} className="px-3 py-2">
                    <FigureValue intervalAsTitle cell={figureCell(row.figures[k], row.figures.ci95[k], row.figures.prompts)} />
                  </td>
                ))}
              </tr>
            )),
          )}
        </tbody>
      </table>
    </div>
  );
  return (
    <div className="space-y-6">
      <div>
        <p className="text-sm">
          <Link href={`/projects/${project.slug}`} className="text-brand-700 underline">
            ← {project.name}
          </Link>
        </p>
        <h1 className="text-2xl font-semibold">Agreement</h1>
        <p className="text-sm text-slate-600">
          Computed {result.computedAt.toISOString().slice(0, 19).replace("T", " ")} UTC in {(result.computeMs / 1000).toFixed(1)} s
          {result.fromCache ? " (cached: the data has not changed since)" : ""}. Intervals are 95% bootstrap percentiles over prompts
          (seeded); figures over fewer than 10 prompts are not shown.{" "}
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

      <form
        method="get"
        className="flex flex-wrap items-end gap-3 rounded-lg border border-slate-200 bg-white p-4 text-sm"
        aria-label="Filters"
      >
        <label>
          From
          <input
            type="date"
            name="from"
            defaultValue={filter.from ?? ""}
            className="mt-1 block rounded-md border border-slate-300 px-2 py-1"
          />
        </label>
        <label>
          To (exclusive)
          <input type="date" name="to" defaultValue={filter.to ?? ""} className="mt-1 block rounded-md border border-slate-300 px-2 py-1" />
        </label>
        {isAdmin && raterList.length > 0 && (
          <label>
            Annotators
            <select
              name="annotator"
              multiple
              defaultValue={filter.annotatorIds ?? []}
              className="mt-1 block h-20 rounded-md border border-slate-300 px-2 py-1"
            >
              {raterList.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
        )}
        {report.runs.length > 0 && (
          <label>
            Judge runs
            <select
              name="run"
              multiple
              defaultValue={filter.runIds ?? []}
              className="mt-1 block h-20 rounded-md border border-slate-300 px-2 py-1"
            >
              {report.runs.map((r) => (
                <option key={r.id} value={r.id}>
                  {r.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button type="submit" className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
          Apply
        </button>
        <Link href={`/projects/${project.slug}/agreement`} className="px-2 py-2 text-brand-700 underline">
          Clear
        </Link>
        {filterError && (
          <p role="alert" className="w-full rounded-md bg-red-50 px-3 py-2 text-red-800">
            Filter ignored: {filterError}
          </p>
        )}
      </form>

      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        {stat("Prompts", report.counts.prompts)}
        {stat("Human rankings", report.counts.humanRankings, `${report.counts.annotators} annotators`)}
        {stat(
          "Prompts with ≥ 2 / ≥ 3 rankings",
          `${report.counts.promptsWithHumanRankings[1] ?? 0} / ${report.counts.promptsWithHumanRankings[2] ?? 0}`,
          `≥ 1: ${report.counts.promptsWithHumanRankings[0] ?? 0}`,
        )}
        {stat(
          "Gold coverage",
          `${report.counts.goldPromptsRanked} / ${report.counts.goldPrompts}`,
          `gold prompts ranked by clinicians · ${report.counts.adjudicatedPrompts} adjudicated`,
        )}
      </div>

      <section aria-labelledby="human-heading" className={section}>
        <h2 id="human-heading" className={heading}>
          Clinicians with each other
        </h2>
        {report.humanHuman.prompts === 0 ? (
          <p className="px-4 py-3 text-sm text-slate-600">No prompt has two human rankings yet.</p>
        ) : (
          <FigureTable idPrefix="human-figure" columns={[{ label: "Clinicians", figures: report.humanHuman }]} />
        )}
      </section>

      <section aria-labelledby="judges-heading" className={section}>
        <h2 id="judges-heading" className={heading}>
          Judges against the clinicians&apos; consensus
        </h2>
        {report.judges.length === 0 ? (
          <p className="px-4 py-3 text-sm text-slate-600">
            {report.counts.judgeRankings === 0 && !filter.runIds?.length
              ? "No judge has ranked prompts of this project yet: start a judge run (Runs) or import a judge's rankings (import-rankings --kind judge)."
              : "No judge run's rankings match these filters."}
          </p>
        ) : (
          <>
            {report.judges.some((j) => j.vsConsensus.prompts > 0) ? (
              <FigureTable
                idPrefix="judge-figure"
                columns={report.judges.map((j) => ({ label: `${j.name} (${j.model ?? "?"})`, figures: j.vsConsensus }))}
                caption="Each judge run's aggregated ranking against the mean-rank consensus of the clinicians, as two raters."
              />
            ) : (
              <p className="px-4 py-3 text-sm text-slate-600">
                {report.counts.humanRankings === 0
                  ? `Nothing to compare yet: no clinician has ranked ${filter.from || filter.to || filter.annotatorIds?.length ? "prompts in this filter" : "a prompt of this project"}, and a judge is measured against the clinicians' consensus. The judges' own position consistency and bias are below.`
                  : "Nothing to compare yet: no prompt is ranked by both a judge run and a clinician."}
              </p>
            )}
            <div className="overflow-x-auto border-t border-slate-200">
              <table className="w-full text-sm" aria-label="Position consistency">
                <thead className="bg-slate-50 text-left">
                  <tr>
                    <th className="px-3 py-2">Judge run</th>
                    <th className="px-3 py-2">Prompts with ≥ 2 permutations</th>
                    <th
                      className="px-3 py-2"
                      title="Mean Kendall's tau-b between the rankings the run gave one prompt in different shown orders: 1 = the order shown changes nothing."
                    >
                      Tau-b between permutations
                    </th>
                    <th className="px-3 py-2" title="Share of prompts whose best candidate is the same in every permutation.">
                      Same best in every permutation
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {report.judges.map((j) => (
                    <tr key={j.runId} className="border-t border-slate-100">
                      <td className="px-3 py-2">
                        <Link href={`/runs/${j.runId}`} className="text-brand-700 underline">
                          {j.name}
                        </Link>
                      </td>
                      <td className="px-3 py-2">{j.positionConsistency.prompts}</td>
                      {j.positionConsistency.prompts === 0 ? (
                        <td colSpan={2} className="px-3 py-2 text-xs italic text-slate-600">
                          one shown order per prompt: consistency needs a run with 2 or more permutations
                        </td>
                      ) : (
                        <>
                          <td className="px-3 py-2">
                            <FigureValue
                              cell={countedFigureCell(j.positionConsistency.kendallTauB, j.positionConsistency.prompts, (x) =>
                                formatFigure(x),
                              )}
                            />
                          </td>
                          <td className="px-3 py-2">
                            <FigureValue
                              cell={countedFigureCell(j.positionConsistency.top1Agreement, j.positionConsistency.prompts, formatShare)}
                            />
                          </td>
                        </>
                      )}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {report.judgeVsJudge.length > 0 && (
              <div className="overflow-x-auto border-t border-slate-200">
                <table className="w-full text-sm" aria-label="Judge runs against each other">
                  <thead className="bg-slate-50 text-left">
                    <tr>
                      <th className="px-3 py-2">Runs</th>
                      <th className="px-3 py-2">Shared prompts</th>
                      <th className="px-3 py-2" title={FIGURE_HELP.pairwiseAgreement}>
                        Pairwise agreement
                      </th>
                      <th className="px-3 py-2" title={FIGURE_HELP.kendallTauB}>
                        Tau-b
                      </th>
                      <th className="px-3 py-2" title={FIGURE_HELP.top1Agreement}>
                        Same best
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.judgeVsJudge.map((p) => (
                      <tr key={`${p.a}|${p.b}`} className="border-t border-slate-100">
                        <td className="px-3 py-2">
                          {runName.get(p.a)} × {runName.get(p.b)}
                        </td>
                        <td className="px-3 py-2">{p.prompts}</td>
                        {pairCells(p)}
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            )}
            {isAdmin && report.judges.some((j) => j.vsClinicians.length > 0) && (
              <div className="overflow-x-auto border-t border-slate-200">
                <table className="w-full text-sm" aria-label="Judges against each clinician">
                  <thead className="bg-slate-50 text-left">
                    <tr>
                      <th className="px-3 py-2">Judge run</th>
                      <th className="px-3 py-2">Clinician</th>
                      <th className="px-3 py-2">Shared prompts</th>
                      <th className="px-3 py-2" title={FIGURE_HELP.pairwiseAgreement}>
                        Pairwise agreement
                      </th>
                      <th className="px-3 py-2" title={FIGURE_HELP.kendallTauB}>
                        Tau-b
                      </th>
                      <th className="px-3 py-2" title={FIGURE_HELP.top1Agreement}>
                        Same best
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {report.judges.flatMap((j) =>
                      j.vsClinicians.map((c) => (
                        <tr key={`${j.runId}|${c.raterId}`} className="border-t border-slate-100">
                          <td className="px-3 py-2">{j.name}</td>
                          <td className="px-3 py-2">{c.name}</td>
                          <td className="px-3 py-2">{c.prompts}</td>
                          {pairCells(c)}
                        </tr>
                      )),
                    )}
                  </tbody>
                </table>
              </div>
            )}
          </>
        )}
      </section>

      {isAdmin && (
        <section aria-labelledby="annotators-heading" className={section}>
          <h2 id="annotators-heading" className={heading}>
            Annotators
          </h2>
          {report.annotators.length === 0 ? (
            <p className="px-4 py-3 text-sm text-slate-600">No human rankings match.</p>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-sm" aria-label="Annotators">
                <thead className="bg-slate-50 text-left">
                  <tr>
                    <th className="px-3 py-2">Annotator</th>
                    <th className="px-3 py-2">Rankings</th>
                    <th className="px-3 py-2">Median time</th>
                    <th className="px-3 py-2">Agreement with the others</th>
                    <th
                      className="px-3 py-2"
                      title="Against the admins' gold ranking, over the gold prompts the annotator ranked: pairwise agreement, Kendall's tau-b (mean over prompts) and top-1 (share with the same best)."
                    >
                      Agreement with gold
                    </th>
                    <th className="px-3 py-2">Tie rate</th>
                    <th className="px-3 py-2">Flag rate</th>
                    <th className="px-3 py-2">Kept shown order</th>
                    <th className="px-3 py-2">Attention</th>
                  </tr>
                </thead>
                <tbody>
                  {report.annotators.map((a) => (
                    <tr
                      key={a.raterId}
                      className={`border-t border-slate-100 ${a.outlier.length ? "bg-amber-50" : ""}`}
                      data-outlier={a.outlier.length > 0 || undefined}
                    >
                      <td className="px-3 py-2">
                        {a.name} <span className="text-xs text-slate-500">{a.external ? "external rater" : a.pseudonym}</span>
                      </td>
                      <td className="px-3 py-2">{a.rankings}</td>
                      <td className="px-3 py-2">{a.medianSeconds === null ? "—" : `${a.medianSeconds} s`}</td>
                      <td className="px-3 py-2">
                        <span className="font-mono">{formatFigure(a.agreementWithConsensus)}</span>{" "}
                        <span className="text-xs text-slate-500">
                          tau-b {formatFigure(a.tauBWithConsensus)} · {a.promptsWithOthers} prompts
                        </span>
                      </td>
                      <td className="px-3 py-2">
                        {a.agreementWithGold.prompts === 0 ? (
                          "—"
                        ) : (
                          <span className="block whitespace-nowrap">
                            pairwise <span className="font-mono">{formatFigure(a.agreementWithGold.pairwiseAgreement)}</span> · tau-b{" "}
                            <span className="font-mono">{formatFigure(a.agreementWithGold.kendallTauB)}</span> · top-1{" "}
                            <span className="font-mono">{formatShare(a.agreementWithGold.top1Agreement)}</span>{" "}
                            <span className="text-xs text-slate-500">
                              ({a.agreementWithGold.prompts} gold prompt{a.agreementWithGold.prompts === 1 ? "" : "s"})
                            </span>
                          </span>
                        )}
                      </td>
                      <td className="px-3 py-2">{formatShare(a.tieRate)}</td>
                      <td className="px-3 py-2">{formatShare(a.flagRate)}</td>
                      <td className="px-3 py-2">{formatShare(a.keptShownOrderRate)}</td>
                      <td className="px-3 py-2 text-amber-900">{a.outlier.join("; ")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3 className="border-t border-slate-200 px-4 pt-3 font-medium">Pairwise agreement between annotators</h3>
          <AnnotatorHeatmap raters={raterList} cells={report.heatmap} />
        </section>
      )}

      <section aria-labelledby="bias-heading" className={section}>
        <h2 id="bias-heading" className={heading}>
          Bias
        </h2>
        {report.bias.candidates === null ? (
          <p className="px-4 py-3 text-sm text-slate-600">No rankings yet.</p>
        ) : (
          <div className="grid gap-4 p-4 xl:grid-cols-2">
            <div className="min-w-0">
              <h3 className="font-medium">Position bias: mean rank by shown position</h3>
              <p className="text-xs text-slate-500">
                Prompts with {report.bias.candidates} candidates. Flat at {((report.bias.candidates + 1) / 2).toFixed(1)} (dashed) = no
                position bias; a low first point = favours what is read first.
              </p>
              <MeanRankChart
                title="Mean rank by shown position"
                xTitle="shown position"
                xLabels={Array.from({ length: report.bias.candidates }, (_, i) => String(i + 1))}
                series={report.bias.series.map((s) => ({ label: s.label, values: s.meanRankByShownPosition }))}
              />
              {report.bias.series.some((s) => s.withoutShownOrder > 0) && (
                <p className="text-xs text-slate-600" data-testid="position-left-out">
                  Left out of this chart, because nobody knows the order they were seen in:{" "}
                  {report.bias.series
                    .filter((s) => s.withoutShownOrder > 0)
                    .map((s) => `${s.withoutShownOrder} ${s.label} ranking${s.withoutShownOrder === 1 ? "" : "s"}`)
                    .join(", ")}{" "}
                  (imported from a file, which stores no shown order).
                </p>
              )}
            </div>
            <div className="min-w-0">
              <h3 className="font-medium">Length bias: mean rank by length order</h3>
              <p className="text-xs text-slate-500">
                1 = the prompt&apos;s shortest candidate. Falling line = longer answers ranked better. Tau-b of length vs rank:{" "}
                {report.bias.series.map((s) => `${s.label} ${formatFigure(s.lengthTauB)}`).join(" · ")} (negative = longer preferred).
              </p>
              <MeanRankChart
                title="Mean rank by length order"
                xTitle="length order (1 = shortest)"
                xLabels={Array.from({ length: report.bias.candidates }, (_, i) => String(i + 1))}
                series={report.bias.series.map((s) => ({ label: s.label, values: s.meanRankByLength }))}
              />
            </div>
            <div className="min-w-0 xl:col-span-2">
              <h3 className="font-medium">Self-preference</h3>
              {report.bias.selfPreference.length === 0 ? (
                <p className="text-sm text-slate-600">No judge run ranked candidates from its own model family.</p>
              ) : (
                <div className="mt-2 overflow-x-auto">
                  <table className="w-full text-sm" aria-label="Self-preference">
                    <thead className="bg-slate-50 text-left">
                      <tr>
                        <th className="px-3 py-2">Judge run</th>
                        <th className="px-3 py-2">Family</th>
                        <th className="px-3 py-2">Prompts</th>
                        <th className="px-3 py-2">Mean rank of own family: judge / clinicians</th>
                        <th className="px-3 py-2">Own family ranked best: judge / clinicians</th>
                      </tr>
                    </thead>
                    <tbody>
                      {report.bias.selfPreference.map((s) => (
                        <tr key={s.runId} className="border-t border-slate-100">
                          <td className="px-3 py-2">
                            {s.label} ({s.judgeModel})
                          </td>
                          <td className="px-3 py-2">{s.family}</td>
                          <td className="px-3 py-2">{s.prompts}</td>
                          <td className="px-3 py-2 font-mono">
                            {formatFigure(s.judgeMeanRank, 2)} / {formatFigure(s.humanMeanRank, 2)}
                          </td>
                          <td className="px-3 py-2">
                            {formatShare(s.judgeTop1Rate)} / {formatShare(s.humanTop1Rate)}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
            </div>
          </div>
        )}
      </section>

      <section aria-labelledby="models-heading" className={section}>
        <h2 id="models-heading" className={heading}>
          Models
        </h2>
        <p className="px-4 pt-3 text-xs text-slate-600">
          Bradley–Terry log-strength: how strongly a model wins its comparisons (0 = the average model; +0.7 ≈ twice the odds of winning).
          Win rate: how often the row&apos;s model is ranked above the column&apos;s (ties count half).{" "}
          <Link href={METRICS_HELP_PATH} className="text-brand-700 underline">
            Definitions
          </Link>
        </p>
        <div className="grid gap-6 p-4 xl:grid-cols-2">
          {report.models
            .filter((m) => m.comparison.strengths.length > 0)
            .map((m) => (
              <div key={m.key} className="min-w-0 space-y-2">
                <h3 className="font-medium">{m.label}: Bradley–Terry log-strength (95% interval)</h3>
                <StrengthChart title={`Bradley–Terry strengths (${m.label})`} strengths={m.comparison.strengths} />
                <WinRateMatrix label={m.label} comparison={m.comparison} />
              </div>
            ))}
        </div>
      </section>

      <section aria-labelledby="breakdowns-heading" className={section}>
        <h2 id="breakdowns-heading" className={heading}>
          Breakdowns (clinicians with each other; judges against the consensus)
        </h2>
        {breakdownTable("Source dataset", report.breakdowns.bySource)}
        <div className="border-t border-slate-200">{breakdownTable("Prompt type", report.breakdowns.byType)}</div>
      </section>
    </div>
  );
}
