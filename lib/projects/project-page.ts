import { db } from "@/lib/db/prisma";
import type { Message } from "@/lib/import/types";
import { getProjectBySlug, getProjectSummary } from "@/lib/projects/queries";

const PROMPTS_SHOWN = 50;

/** Everything the project page shows, in plain objects. */
export async function getProjectPage(slug: string) {
  const project = await getProjectBySlug(slug);
  const [summary, prompts, imports] = await Promise.all([
    getProjectSummary(slug),
    db().prompt.findMany({
      where: { projectId: project.id },
      orderBy: [{ createdAt: "asc" }, { externalId: "asc" }],
      take: PROMPTS_SHOWN,
      select: { id: true, externalId: true, messages: true, source: true, promptType: true, referenceAnswer: true, _count: { select: { completions: true, rankings: { where: { kind: "GOLD" } } } } },
    }),
    db().import.findMany({ where: { projectId: project.id }, orderBy: { createdAt: "desc" }, take: 10, select: { id: true, fileName: true, status: true, createdAt: true, report: true } }),
  ]);
  return {
    project,
    summary,
    prompts: prompts.map((p) => ({
      id: p.id,
      externalId: p.externalId,
      preview: ((p.messages as unknown as Message[]).findLast((m) => m.role === "user")?.content ?? "").slice(0, 300),
      source: p.source,
      promptType: p.promptType,
      candidates: p._count.completions,
      hasReference: p.referenceAnswer !== null,
      isGold: p._count.rankings > 0,
    })),
    imports: imports.map((i) => ({ ...i, message: String((i.report as { message?: string } | null)?.message ?? "") })),
  };
}
