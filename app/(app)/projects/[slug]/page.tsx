import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { SafeMarkdown } from "@/components/markdown/safe-markdown";
import { AssignBatchForm } from "@/components/projects/assign-batch-form";
import { ProjectSettingsForm } from "@/components/projects/project-settings-form";
import { TaxonomyForm } from "@/components/projects/taxonomy-form";
import { projectCritiqueTaxonomy } from "@/lib/critiques/project-taxonomy";
import { taxonomyToLines } from "@/lib/critiques/taxonomy-lines";
import type { ProjectSettings } from "@/lib/projects/update-project";
import { clinicianProgress } from "@/lib/annotation/clinician-progress";
import { listActiveClinicians } from "@/lib/users/manage-users";
import { requireRole } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors/app-error";
import { PromptListSection } from "@/components/projects/prompt-list";
import { StatCard, StatGrid } from "@/components/ui/stat-card";
import { getProjectPage } from "@/lib/projects/project-page";
import { promptListQuerySchema } from "@/lib/projects/prompt-list";
import { describeProblems, zodProblems } from "@/lib/errors/zod-problems";

export const metadata: Metadata = { title: "Project" };
export const dynamic = "force-dynamic";

export default async function ProjectPage({
  params,
  searchParams,
}: {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const user = await requireRole("ADMIN", "RESEARCHER");
  const { slug } = await params;
  const search = Object.fromEntries(Object.entries(await searchParams).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const parsed = promptListQuerySchema.safeParse(search);
  const promptQuery = parsed.success ? parsed.data : promptListQuerySchema.parse({});
  const promptQueryError = parsed.success ? null : describeProblems(zodProblems(parsed.error));
  const page = await getProjectPage(slug, promptQuery).catch((e) => {
    if (e instanceof AppError && e.code === "NOT_FOUND") notFound();
    throw e;
  });
  const { project, summary, prompts, imports } = page;
  const taxonomy = user.role === "ADMIN" ? await projectCritiqueTaxonomy(project.id) : null;
  const [clinicians, activeClinicians] =
    user.role === "ADMIN" ? await Promise.all([clinicianProgress(project.slug), listActiveClinicians()]) : [[], []];
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <div>
          <h1 className="text-2xl font-semibold">{project.name}</h1>
          <p className="text-sm text-slate-600">
            {project.slug} · {project.overlapK} human rankings per prompt · ties {project.allowTies ? "allowed" : "not allowed"} · reference
            answers {project.showReference ? "shown" : "hidden"} to clinicians
          </p>
        </div>
        <div className="flex gap-2">
          <Link
            href={`/projects/${project.slug}/agreement`}
            className="rounded-md border border-brand-600 px-4 py-2 text-sm font-medium text-brand-700 hover:bg-brand-50"
          >
            Agreement
          </Link>
          <Link
            href={`/projects/${project.slug}/verification`}
            className="rounded-md border border-brand-600 px-4 py-2 text-sm font-medium text-brand-700 hover:bg-brand-50"
          >
            Verification
          </Link>
          {user.role === "ADMIN" && (
            <Link
              href={`/admin/projects/${project.slug}/import`}
              className="rounded-md bg-brand-600 px-4 py-2 text-sm font-medium text-white hover:bg-brand-700"
            >
              Import prompts
            </Link>
          )}
        </div>
      </div>
      <StatGrid>
        <StatCard label="Prompts" value={summary.prompts} />
        <StatCard label="Candidate completions" value={summary.completions} />
        <StatCard label="Human rankings" value={summary.rankings.human} />
        <StatCard label="Judge rankings" value={summary.rankings.judge} />
      </StatGrid>
      <PromptListSection slug={project.slug} list={prompts} query={promptQuery} error={promptQueryError} />
      {user.role === "ADMIN" && imports.length > 0 && (
        <section aria-labelledby="imports-heading" className="rounded-lg border border-slate-200 bg-white">
          <h2 id="imports-heading" className="border-b border-slate-200 px-4 py-3 font-semibold">
            Imports
          </h2>
          <ul className="divide-y divide-slate-100 text-sm">
            {imports.map((i) => (
              <li key={i.id} className="px-4 py-2">
                <span className="font-medium">{i.fileName}</span> · {i.status.toLowerCase()} ·{" "}
                {i.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC · {i.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      {user.role === "ADMIN" && (
        <>
          <section aria-labelledby="annotators-heading" className="rounded-lg border border-slate-200 bg-white">
            <h2 id="annotators-heading" className="border-b border-slate-200 px-4 py-3 font-semibold">
              Annotation progress by clinician
            </h2>
            {clinicians.length === 0 ? (
              <p className="px-4 py-3 text-sm text-slate-600">No clinician has started yet.</p>
            ) : (
              <table className="w-full text-sm">
                <thead className="bg-slate-50 text-left">
                  <tr>
                    <th className="px-3 py-2">Clinician</th>
                    <th className="px-3 py-2">Submitted</th>
                    <th className="px-3 py-2">Today</th>
                    <th className="px-3 py-2">In progress</th>
                    <th className="px-3 py-2">Skipped</th>
                    <th className="px-3 py-2">Median time</th>
                  </tr>
                </thead>
                <tbody>
                  {clinicians.map((c) => (
                    <tr key={c.id} className="border-t border-slate-100">
                      <td className="px-3 py-2">
                        {c.name} <span className="text-slate-500">{c.email}</span>
                      </td>
                      <td className="px-3 py-2">{c.submitted}</td>
                      <td className="px-3 py-2">{c.today}</td>
                      <td className="px-3 py-2">{c.active}</td>
                      <td className="px-3 py-2">{c.skipped}</td>
                      <td className="px-3 py-2">{c.medianSeconds === null ? "—" : `${c.medianSeconds} s`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
          <details className="rounded-lg border border-slate-200 bg-white p-4">
            <summary className="cursor-pointer font-semibold">Assign prompts to clinicians</summary>
            <div className="mt-3">
              <AssignBatchForm slug={project.slug} clinicians={activeClinicians} />
            </div>
          </details>
          {taxonomy && (
            <details className="rounded-lg border border-slate-200 bg-white p-4">
              <summary className="cursor-pointer font-semibold">Critique taxonomy (tags for marked spans)</summary>
              <div className="mt-3">
                <TaxonomyForm slug={project.slug} lines={taxonomyToLines(taxonomy.taxonomy)} version={taxonomy.version} />
              </div>
            </details>
          )}
          <details className="rounded-lg border border-slate-200 bg-white p-4">
            <summary className="cursor-pointer font-semibold">Settings</summary>
            <div className="mt-3">
              <ProjectSettingsForm
                slug={project.slug}
                settings={{
                  name: project.name,
                  guidelines: project.guidelines,
                  overlapK: project.overlapK,
                  allowTies: project.allowTies,
                  showReference: project.showReference,
                  editWindowMinutes: project.editWindowMinutes,
                  leaseMinutes: project.leaseMinutes,
                  goldRate: project.goldRate,
                  specialtyMatching: project.specialtyMatching,
                  queueOrder: project.queueOrder as ProjectSettings["queueOrder"],
                }}
              />
            </div>
          </details>
        </>
      )}
      <section aria-labelledby="guidelines-heading" className="rounded-lg border border-slate-200 bg-white p-4">
        <h2 id="guidelines-heading" className="font-semibold">
          Guidelines
        </h2>
        {project.guidelines ? <SafeMarkdown text={project.guidelines} /> : <p className="text-slate-600">No guidelines written yet.</p>}
      </section>
    </div>
  );
}
