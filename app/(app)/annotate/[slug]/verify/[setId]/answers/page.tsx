import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
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
      {answers.length === 0 ? (
        <p className="text-slate-600">You have not answered a pair in this set yet.</p>
      ) : (
        <ul className="divide-y divide-slate-100 rounded-lg border border-slate-200 bg-white">
          {answers.map((a) => (
            <li key={a.id} className="flex flex-wrap items-center gap-3 px-4 py-2 text-sm">
              <span className="min-w-0 flex-1 truncate">{a.preview}</span>
              <span className="text-slate-500">
                {a.createdAt.toISOString().slice(0, 16).replace("T", " ")} UTC · revision {a.revision}
              </span>
              {a.editable ? (
                <Link href={`/annotate/${slug}/verify/${set.id}/answers/${a.id}`} className="text-brand-700 underline">
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
