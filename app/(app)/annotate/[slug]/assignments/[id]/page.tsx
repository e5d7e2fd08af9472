import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { AnnotationWorkspace } from "@/components/annotation/annotation-workspace";
import { requireRole } from "@/lib/auth/guard";
import { isOwnAssignment } from "@/lib/annotation/queries";
import { getAnnotationProject } from "@/lib/projects/annotation-project";
import { isId } from "@/lib/core/ids";

export const metadata: Metadata = { title: "Annotate" };
export const dynamic = "force-dynamic";

export default async function AssignmentPage({ params }: { params: Promise<{ slug: string; id: string }> }) {
  const user = await requireRole("CLINICIAN");
  const { slug, id } = await params;
  const project = await getAnnotationProject(slug);
  if (!project || !isId(id)) notFound();
  // Someone else's assignment does not exist for this clinician.
  if (!(await isOwnAssignment(id, user.id))) notFound();
  return (
    <AnnotationWorkspace
      slug={project.slug}
      projectName={project.name}
      guidelines={project.guidelines}
      source={{ kind: "assignment", id }}
    />
  );
}
