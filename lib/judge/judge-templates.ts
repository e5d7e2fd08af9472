import "server-only";
import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit-entry";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { execute, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { BUILT_IN_TEMPLATES } from "@/lib/judge/templates";
import { safeText, safeName } from "@/lib/text/safe-text";

/**
 * Judge templates are versioned: version 1 of each built-in is written once; an edit writes the
 * next version (the database refuses to change a stored one), and runs point at the version
 * they used.
 */
export async function ensureBuiltInTemplates(): Promise<void> {
  for (const t of BUILT_IN_TEMPLATES) {
    await execute(
      pool(),
      sql`INSERT INTO judge_templates (key, version, name, style, system_prompt, user_template)
      SELECT ${t.key}, 1, ${t.name}, ${t.style}, ${t.systemPrompt}, ${t.userTemplate}
       WHERE NOT EXISTS (SELECT 1 FROM judge_templates WHERE key = ${t.key})`,
    );
  }
}

export const templateEdit = z.object({
  name: safeName().trim().min(1).max(200),
  systemPrompt: safeText().trim().min(1, "the system prompt cannot be empty").max(20_000),
  userTemplate: safeText()
    .trim()
    .max(50_000)
    .refine((t) => t.includes("{{responses}}"), "the template must contain {{responses}}, where the candidates go")
    .refine((t) => t.includes("{{question}}"), "the template must contain {{question}}"),
});

export async function editTemplate(key: string, input: z.input<typeof templateEdit>, actorId: string) {
  const data = templateEdit.parse(input);
  return withTransaction(
    async (tx) => {
      const latest = await tx.judgeTemplate.findFirst({ where: { key }, orderBy: { version: "desc" } });
      if (!latest) throw new AppError("NOT_FOUND", `No template "${key}".`);
      const created = await tx.judgeTemplate.create({
        data: {
          key,
          version: latest.version + 1,
          name: data.name,
          style: latest.style,
          systemPrompt: data.systemPrompt,
          userTemplate: data.userTemplate,
          createdById: actorId,
        },
        select: { id: true, key: true, version: true },
      });
      await writeAudit(tx, {
        actorId,
        action: "template.edit",
        entityType: "judge_template",
        entityId: created.id,
        before: { version: latest.version },
        after: { version: created.version },
      });
      return created;
    },
    { via: "prisma" },
  );
}

/** The latest version of every template. */
export async function latestTemplates() {
  const all = await db().judgeTemplate.findMany({ orderBy: [{ key: "asc" }, { version: "desc" }] });
  return all.filter((t, i) => i === 0 || all[i - 1]!.key !== t.key);
}
