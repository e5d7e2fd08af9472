import "server-only";
import { writeAudit } from "@/lib/audit/audit-entry";
import { withTransaction } from "@/lib/db/transaction";
import { AppError, isUniqueViolation } from "@/lib/errors/app-error";
import { createProjectInput, type CreateProjectInput } from "@/lib/projects/schema";

export async function createProject(input: CreateProjectInput, actorId: string | null) {
  const data = createProjectInput.parse(input);
  try {
    return await withTransaction(
      async (tx) => {
        const project = await tx.project.create({
          data: { ...data, createdById: actorId },
          select: { id: true, slug: true, name: true, overlapK: true, allowTies: true },
        });
        await writeAudit(tx, { actorId, action: "project.create", entityType: "project", entityId: project.id, after: data });
        return project;
      },
      { via: "prisma" },
    );
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", `A project with the slug "${data.slug}" already exists.`, "slug");
    throw e;
  }
}
