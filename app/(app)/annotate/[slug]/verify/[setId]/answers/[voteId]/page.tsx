import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PairWorkspace } from "@/components/verification/pair-workspace";
import { requireRole } from "@/lib/auth/guard";
import { isId } from "@/lib/core/ids";
import { isOwnPairVote, verificationSetForClinician } from "@/lib/verification/task-queries";

export const metadata: Metadata = { title: "Revise an answer" };
export const dynamic = "force-dynamic";

export default async function RevisePairAnswerPage({ params }: { params: Promise<{ slug: string; setId: string; voteId: string }> }) {
  const user = await requireRole("CLINICIAN");
  const { slug, setId, voteId } = await params;
  const set = isId(setId) && isId(voteId) ? await verificationSetForClinician(slug, setId) : null;
  // Someone else's answer does not exist for this clinician.
  if (!set || !(await isOwnPairVote(voteId, user.id))) notFound();
  return <PairWorkspace slug={slug} setId={set.id} setName={`${set.name} v${set.version}`} source={{ kind: "revision", voteId }} />;
}
