import { db } from "@/lib/db/prisma";

/** The newest audit entries with the actor's email. */
export async function listAuditEntries(limit = 200) {
  const rows = await db().auditLog.findMany({
    orderBy: { id: "desc" },
    take: limit,
    select: { id: true, action: true, entityType: true, entityId: true, before: true, after: true, createdAt: true, actor: { select: { email: true } } },
  });
  return rows.map(({ actor, id, ...r }) => ({ ...r, id: id.toString(), actor: actor?.email ?? "system (CLI or worker)" }));
}
