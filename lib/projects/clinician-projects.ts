import "server-only";
import { db } from "@/lib/db/prisma";

/** Projects with prompts, and how many of their prompts this clinician has ranked. */
export async function listProjectsForClinician(userId: string) {
  const projects = await db().project.findMany({
    where: { prompts: { some: {} } },
    orderBy: { createdAt: "asc" },
    select: { id: true, slug: true, name: true, overlapK: true, guidelines: true, _count: { select: { prompts: true } } },
  });
  const ranked = await db().ranking.groupBy({ by: ["promptId"], where: { raterId: userId, kind: "HUMAN" }, _count: { _all: true } });
  const rankedPrompts = ranked.length
    ? await db().prompt.groupBy({ by: ["projectId"], where: { id: { in: ranked.map((r) => r.promptId) } }, _count: { _all: true } })
    : [];
  const byProject = new Map(rankedPrompts.map((r) => [r.projectId, r._count._all]));
  return projects.map(({ _count, ...p }) => ({ ...p, prompts: _count.prompts, rankedByYou: byProject.get(p.id) ?? 0 }));
}
