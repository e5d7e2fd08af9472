import type { Metadata } from "next";
import Link from "next/link";
import { GenerationRunForm } from "@/components/runs/generation-run-form";
import { JudgeRunForm } from "@/components/runs/judge-run-form";
import { requireRole } from "@/lib/auth/guard";
import { judgeChoices } from "@/lib/judge/judge-choices";
import { listRuns } from "@/lib/judge/runs/run-views";
import { listProjects } from "@/lib/projects/queries";

export const metadata: Metadata = { title: "Runs" };
export const dynamic = "force-dynamic";

const usd = new Intl.NumberFormat("en", { style: "currency", currency: "USD", maximumFractionDigits: 2 });

export default async function RunsPage() {
  const user = await requireRole("ADMIN", "RESEARCHER");
  const runs = await listRuns();
  const admin = user.role === "ADMIN";
  let forms: React.ReactNode = null;
  if (admin) {
    const [projects, choices] = await Promise.all([listProjects(), judgeChoices()]);
    const options = { projects: projects.map((p) => ({ slug: p.slug, name: p.name })), ...choices };
    forms = (
      <div className="space-y-3">
        <details className="rounded-lg border border-slate-200 bg-white p-4">
          <summary className="cursor-pointer font-semibold">New judge run</summary>
          <p className="my-2 text-sm text-slate-600">
            The judge sees the candidates as “Response 1…N”, never their models, in P seeded orders per prompt; the P rankings are kept and
            averaged, and the run reports how much the order mattered.
          </p>
          <JudgeRunForm {...options} />
        </details>
        <details className="rounded-lg border border-slate-200 bg-white p-4">
          <summary className="cursor-pointer font-semibold">New generation run</summary>
          <p className="my-2 text-sm text-slate-600">
            Fills unranked prompts that have fewer than N candidates with completions from the models below, stored under each model&apos;s
            name.
          </p>
          <GenerationRunForm projects={options.projects} endpoints={options.endpoints} />
        </details>
      </div>
    );
  }
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Judge and generation runs</h1>
      {forms}
      <section aria-labelledby="runs-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="runs-heading" className="mb-2 font-semibold">
          Runs
        </h2>
        {runs.length === 0 ? (
          <p className="text-sm text-slate-600">No runs yet.</p>
        ) : (
          <table className="w-full text-sm">
            <thead className="bg-slate-50 text-left">
              <tr>
                <th className="px-2 py-1">Run</th>
                <th className="px-2 py-1">Project</th>
                <th className="px-2 py-1">Kind</th>
                <th className="px-2 py-1">Status</th>
                <th className="px-2 py-1">Progress</th>
                <th className="px-2 py-1">Cost</th>
                <th className="px-2 py-1">Created</th>
              </tr>
            </thead>
            <tbody>
              {runs.map((r) => (
                <tr key={r.id} className="border-t border-slate-100">
                  <td className="px-2 py-1">
                    <Link href={`/runs/${r.id}`} className="font-medium text-brand-700 underline">
                      {r.name}
                    </Link>
                    {r.model && <span className="text-slate-500"> · {r.model}</span>}
                  </td>
                  <td className="px-2 py-1">{r.projectName}</td>
                  <td className="px-2 py-1">
                    {r.imported
                      ? "imported"
                      : r.kind === "GENERATE"
                        ? "generation"
                        : r.kind === "PAIR_JUDGE"
                          ? "judge evaluation"
                          : "judge"}
                    {r.mode === "BATCH" ? " · batch" : ""}
                  </td>
                  <td className="px-2 py-1">{r.status.toLowerCase()}</td>
                  <td className="px-2 py-1">
                    {r.unitsDone}/{r.unitsTotal}
                    {r.unitsFailed ? <span className="text-red-700"> ({r.unitsFailed} failed)</span> : null}
                  </td>
                  <td className="px-2 py-1">{usd.format(r.costUsd)}</td>
                  <td className="px-2 py-1">{r.createdAt.toISOString().slice(0, 16).replace("T", " ")}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
