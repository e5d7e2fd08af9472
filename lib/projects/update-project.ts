import "server-only";
import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit-entry";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { safeText, safeName } from "@/lib/text/safe-text";

/** Settings an admin can change; shared by the settings form and its server action. */
export const projectSettingsInput = z.object({
  name: safeName().trim().min(1, "a project needs a name").max(200),
  guidelines: safeText().max(100_000),
  overlapK: z.coerce.number().int().min(1, "at least 1 ranking per prompt").max(100),
  allowTies: z.boolean(),
  showReference: z.boolean(),
  editWindowMinutes: z.coerce.number().int().min(0).max(525_600),
  leaseMinutes: z.coerce.number().int().min(1, "a lease lasts at least a minute").max(10_080, "a lease lasts at most a week"),
  goldRate: z.coerce.number().min(0, "between 0 and 1").max(1, "between 0 and 1"),
  specialtyMatching: z.boolean(),
  /** The ranking queue's order: prompts closest to k first, or those the judge is least sure about first. */
  queueOrder: z.enum(["completion", "judge-uncertain"], { error: "completion or judge-uncertain" }),
});
export type ProjectSettings = z.infer<typeof projectSettingsInput>;

export async function updateProjectSettings(slug: string, input: z.input<typeof projectSettingsInput>, actorId: string) {
  const data = projectSettingsInput.parse(input);
  return withTransaction(
    async (tx) => {
      const before = await tx.project.findUnique({
        where: { slug },
        select: {
          id: true,
          name: true,
          guidelines: true,
          overlapK: true,
          allowTies: true,
          showReference: true,
          editWindowMinutes: true,
          leaseMinutes: true,
          goldRate: true,
          specialtyMatching: true,
          queueOrder: true,
        },
      });
      if (!before) throw new AppError("NOT_FOUND", `No project with the slug "${slug}".`);
      const { id, ...previous } = before;
      await tx.project.update({ where: { id }, data });
      const changed = Object.fromEntries(Object.entries(data).filter(([k, v]) => previous[k as keyof typeof previous] !== v));
      const was = Object.fromEntries(Object.keys(changed).map((k) => [k, previous[k as keyof typeof previous]]));
      await writeAudit(tx, { actorId, action: "project.settings", entityType: "project", entityId: id, before: was, after: changed });
      return { changed: Object.keys(changed) };
    },
    { via: "prisma" },
  );
}
