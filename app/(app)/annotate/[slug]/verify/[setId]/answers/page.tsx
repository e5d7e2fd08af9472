import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { OwnWorkList } from "@/components/annotation/own-work-list";
import { requireRole } from "@/lib/auth/guard";
import { isId } from "@/lib/core/ids";
import { getAnnotationProject } from "@/lib/projects/annotation-project";
import { ownPairVotes, verificationSetForClinician } from "@/lib/verification/task-queries";

export const metadata: Metadata = { title: "My answers" };
export const dynamic = "force-dynamic";

export default async function PairAnswersPage({ params }: { params: Promise<{ slug: string; setId: string }> }) {
  const user = await requireRole("CLINICIAN");
  const { slug, setId } = await params;
  const project = await getAnnotationProject(slug);
  const set = project && isId(setId) ? await verificationSetForClinician(slug, setId) : null;
  if (!project || !set) notFound();
  const answers = await ownPairVotes(user.id, set.id);
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href={`/annotate/${slug}/verify/${set.id}`} className="text-brand-700 underline">
          ← Back to verifying
        </Link>
      </p>
      <h1 className="text-2xl font-semibold">
        My answers in {set.name} v{set.version}
      </h1>
      <p className="text-sm text-slate-600">
        An answer can be revised for {Math.round(project.editWindowMinutes / 60)} hours after it was given; each revision is recorded.
      </p>
      <OwnWorkList
        empty="You have not answered a pair in this set yet."
        items={answers.map((a) => ({ ...a, reviseHref: `/annotate/${slug}/verify/${set.id}/answers/${a.id}` }))}
      />
    </div>
  );
}
