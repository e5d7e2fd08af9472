import "server-only";
import { db } from "@/lib/db/prisma";
import { listPrompts, type PromptListQuery } from "@/lib/projects/prompt-list";
import { getProjectBySlug, getProjectSummary } from "@/lib/projects/queries";

/** Everything the project page shows, in plain objects: one page of its prompt list. */
export async function getProjectPage(slug: string, promptQuery: PromptListQuery) {
  const project = await getProjectBySlug(slug);
  const [summary, prompts, imports] = await Promise.all([
    getProjectSummary(slug),
    listPrompts(project.id, promptQuery),
    db().import.findMany({
      where: { projectId: project.id },
      orderBy: { createdAt: "desc" },
      take: 10,
      select: { id: true, fileName: true, status: true, createdAt: true, report: true },
    }),
  ]);
  return {
    project,
    summary,
    prompts,
    imports: imports.map((i) => ({ ...i, message: String((i.report as { message?: string } | null)?.message ?? "") })),
  };
}
