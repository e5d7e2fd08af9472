import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { PairWorkspace } from "@/components/verification/pair-workspace";
import { requireRole } from "@/lib/auth/guard";
import { isId } from "@/lib/core/ids";
import { verificationSetForClinician } from "@/lib/verification/task-queries";

export const metadata: Metadata = { title: "Verify pairs" };
export const dynamic = "force-dynamic";

export default async function VerifyPairsPage({ params }: { params: Promise<{ slug: string; setId: string }> }) {
  await requireRole("CLINICIAN");
  const { slug, setId } = await params;
  const set = isId(setId) ? await verificationSetForClinician(slug, setId) : null;
  if (!set) notFound();
  return <PairWorkspace slug={slug} setId={set.id} setName={`${set.name} v${set.version}`} source={{ kind: "queue" }} />;
}
