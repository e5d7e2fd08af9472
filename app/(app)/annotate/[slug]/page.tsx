import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AnnotationWorkspace } from "@/components/annotation/annotation-workspace";
import { requireRole } from "@/lib/auth/guard";
import { getAnnotationProject } from "@/lib/projects/annotation-project";

export const metadata: Metadata = { title: "Annotate" };
export const dynamic = "force-dynamic";

export default async function AnnotateProjectPage({ params }: { params: Promise<{ slug: string }> }) {
  await requireRole("CLINICIAN");
  const project = await getAnnotationProject((await params).slug);
  if (!project) notFound();
  return <AnnotationWorkspace slug={project.slug} projectName={project.name} guidelines={project.guidelines} source={{ kind: "queue" }} />;
}
