import type { Metadata } from "next";
import Link from "next/link";
import { SafeMarkdown } from "@/components/markdown/safe-markdown";
import { requireRole } from "@/lib/auth/guard";
import { listProjectsForClinician } from "@/lib/projects/clinician-projects";

export const metadata: Metadata = { title: "Annotate" };
export const dynamic = "force-dynamic";

export default async function AnnotatePage() {
  const user = await requireRole("CLINICIAN");
  const projects = await listProjectsForClinician(user.id);
  return (
    <div className="space-y-6">
      <h1 className="text-2xl font-semibold">Annotate</h1>
      {projects.length === 0 && <p className="text-slate-600">No projects have prompts to rank yet.</p>}
      {projects.map((p) => (
        <section key={p.id} aria-labelledby={`project-${p.id}`} className="rounded-lg border border-slate-200 bg-white p-4">
          <h2 id={`project-${p.id}`} className="text-lg font-semibold">
            {p.name}
          </h2>
          <p className="text-sm text-slate-600">
            {p.prompts} prompts · {p.overlapK} rankings wanted per prompt · you have ranked {p.rankedByYou}
          </p>
          <div className="mt-3 flex gap-3 text-sm">
            <Link href={`/annotate/${p.slug}`} className="rounded-md bg-brand-600 px-4 py-2 font-medium text-white hover:bg-brand-700">
              Start annotating
            </Link>
            <Link href={`/annotate/${p.slug}/history`} className="rounded-md border border-slate-300 px-4 py-2 hover:bg-slate-50">
              My rankings
            </Link>
          </div>
          <details className="mt-3">
            <summary className="cursor-pointer text-sm font-medium text-brand-700">Guidelines</summary>
            {p.guidelines ? (
              <SafeMarkdown text={p.guidelines} className="text-sm" />
            ) : (
              <p className="text-sm text-slate-600">No guidelines written yet.</p>
            )}
          </details>
        </section>
      ))}
    </div>
  );
}
