import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AnnotationWorkspace } from "@/components/annotation/annotation-workspace";
import { requireRole } from "@/lib/auth/guard";
import { isOwnHumanRanking } from "@/lib/annotation/queries";
import { getAnnotationProject } from "@/lib/projects/annotation-project";
import { isId } from "@/lib/core/ids";

export const metadata: Metadata = { title: "Revise ranking" };
export const dynamic = "force-dynamic";

export default async function ReviseRankingPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const user = await requireRole("CLINICIAN");
  const { slug, id } = await params;
  const project = await getAnnotationProject(slug);
  if (!project || !isId(id)) notFound();
  if (!(await isOwnHumanRanking(id, user.id))) notFound();
  return (
    <AnnotationWorkspace
      slug={project.slug}
      projectName={`${project.name}: revise a ranking`}
      guidelines={project.guidelines}
      source={{ kind: "revision", id }}
    />
  );
}
