import "server-only";
import { RankingKind } from "@/generated/prisma/enums";
import { db } from "@/lib/db/prisma";
import { projectCounts } from "@/lib/projects/project-counts";
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
}

/** Counts for `project show --json` and the project pages: kept by triggers (lib/projects/project-counts.ts), not a count of every row. */
export async function getProjectSummary(slug: string): Promise<ProjectSummary> {
  const project = await getProjectBySlug(slug);
  const counts = await projectCounts(project.id);
  return {
    slug: project.slug,
    name: project.name,
    prompts: counts.get("prompts") ?? 0,
    completions: counts.get("completions") ?? 0,
    rankings: { human: counts.get(`rankings:${RankingKind.HUMAN}`) ?? 0, judge: counts.get(`rankings:${RankingKind.JUDGE}`) ?? 0 },
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
