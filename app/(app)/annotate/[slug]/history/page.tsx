import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OwnWorkList } from "@/components/annotation/own-work-list";
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
      <OwnWorkList
        empty="You have not submitted a ranking in this project yet."
        items={rankings.map((r) => ({ ...r, reviseHref: `/annotate/${project.slug}/rankings/${r.id}` }))}
      />
    </div>
  );
}
