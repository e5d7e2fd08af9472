import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { listOwnRankings } from "@/lib/annotation/revise-ranking";
import { requireRole } from "@/lib/auth/guard";
import { getAnnotationProject } from "@/lib/projects/annotation-project";

export const metadata: Metadata = { title: "My rankings" };
export const dynamic = "force-dynamic";

export default async function HistoryPage({ params }: { params: Promise<{ slug: string }> }) {
  const user = await requireRole("CLINICIAN");
  const project = await getAnnotationProject((await params).slug);
  if (!project) notFound();
  const rankings = await listOwnRankings(user.id, project.slug);
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href={`/annotate/${project.slug}`} className="text-brand-700 underline">
          ← Back to annotating
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">My rankings in {project.name}</h1>
      <p className="text-sm text-slate-600">
        A ranking can be revised for {Math.round(project.editWindowMinutes / 60)} hours after it was submitted; every revision is kept.
      </p>
      {rankings.length === 0 ? (
        <p className="text-slate-600">You have not submitted a ranking in this project yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {rankings.map((r) => (
            <li key={r.id} className="flex flex-wrap items-center gap-3 px-4 py-2 text-sm">
              <span className="min-w-0 flex-1 truncate">{r.preview}</span>
              <span className="text-slate-500">
                {r.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC · revision {r.revision}
              </span>
              {r.editable ? (
                <Link href={`/annotate/${project.slug}/rankings/${r.id}`} className="text-brand-700 underline">
                  Revise
                </Link>
              ) : (
                <span className="text-slate-500">closed</span>
              )}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
