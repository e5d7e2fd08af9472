import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AnnotationWorkspace } from "@/components/annotation/annotation-workspace";
import { SetsToVerify } from "@/components/verification/sets-to-verify";
import { requireRole } from "@/lib/auth/guard";
import { getAnnotationProject } from "@/lib/projects/annotation-project";
import { setsToVerify } from "@/lib/verification/task-queries";

export const metadata: Metadata = { title: "Annotate" };
export const dynamic = "force-dynamic";

export default async function AnnotateProjectPage({ params }: { params: Promise<{ slug: string }> }) {
  const user = await requireRole("CLINICIAN");
  const project = await getAnnotationProject((await params).slug);
  if (!project) notFound();
  const sets = await setsToVerify(project.slug, user.id);
  return (
    <div className="space-y-4">
      <SetsToVerify slug={project.slug} sets={sets} />
      <AnnotationWorkspace slug={project.slug} projectName={project.name} guidelines={project.guidelines} source={{ kind: "queue" }} />
    </div>
  );
}
