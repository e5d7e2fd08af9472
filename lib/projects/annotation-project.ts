import "server-only";
import { db } from "@/lib/db/prisma";

/** What the annotation pages need of a project, or null when there is no such project. */
export async function getAnnotationProject(slug: string) {
  return db().project.findUnique({ where: { slug }, select: { slug: true, name: true, guidelines: true, editWindowMinutes: true } });
}
