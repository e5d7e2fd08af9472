import "server-only";
import { db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors/app-error";

export async function getProjectBySlug(slug: string) {
  const project = await db().project.findUnique({ where: { slug } });
  if (!project) throw new AppError("NOT_FOUND", `No project with the slug "${slug}".`);
  return project;
}

export interface ProjectSummary {
  slug: string;
  name: string;
  prompts: number;
  completions: number;
  rankings: { human: number; judge: number };
  assignments: Record<string, number>;
}

/** Counts for `project show --json` and the project pages. */
export async function getProjectSummary(slug: string): Promise<ProjectSummary> {
  const project = await getProjectBySlug(slug);
  const [prompts, completions, rankings, assignments] = await Promise.all([
    db().prompt.count({ where: { projectId: project.id } }),
    db().completion.count({ where: { prompt: { projectId: project.id } } }),
    db().ranking.groupBy({ by: ["kind"], where: { prompt: { projectId: project.id } }, _count: { _all: true } }),
    db().assignment.groupBy({ by: ["status"], where: { prompt: { projectId: project.id } }, _count: { _all: true } }),
  ]);
  const byKind = Object.fromEntries(rankings.map((r) => [r.kind, r._count._all]));
  return {
    slug: project.slug,
    name: project.name,
    prompts,
    completions,
    rankings: { human: byKind.HUMAN ?? 0, judge: byKind.JUDGE ?? 0 },
    assignments: Object.fromEntries(assignments.map((a) => [a.status, a._count._all])),
  };
}

export async function listProjects() {
  const projects = await db().project.findMany({
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      slug: true,
      name: true,
      overlapK: true,
      allowTies: true,
      showReference: true,
      createdAt: true,
      _count: { select: { prompts: true } },
    },
  });
  return projects.map(({ _count, ...p }) => ({ ...p, prompts: _count.prompts }));
}

/** A project's slug and name (page headings and links); null when there is no such project. */
export async function projectHeading(slug: string): Promise<{ slug: string; name: string } | null> {
  return db().project.findUnique({ where: { slug }, select: { slug: true, name: true } });
}
