import type { Prisma } from "@/generated/prisma/client";

/** One line of the audit log: who did what to which entity, with the state before and after. */
export interface AuditEntry {
  actorId: string | null;
  action: string;
  entityType: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));

/** Writes the entry inside the caller's Prisma transaction, so it lands with the change or not at all. */
export async function recordAudit(tx: Prisma.TransactionClient, entry: AuditEntry): Promise<void> {
  await tx.$executeRaw`
    INSERT INTO audit_log (actor_id, action, entity_type, entity_id, before, after)
    VALUES (${entry.actorId}::uuid, ${entry.action}, ${entry.entityType}, ${entry.entityId ?? null}, ${json(entry.before)}::jsonb, ${json(entry.after)}::jsonb)`;
}

/** The same insert for code on a raw pg client (bulk paths), inside its own transaction. */
export function auditInsertQuery(entry: AuditEntry): { text: string; values: unknown[] } {
  return {
    text: `INSERT INTO audit_log (actor_id, action, entity_type, entity_id, before, after) VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6::jsonb)`,
    values: [entry.actorId, entry.action, entry.entityType, entry.entityId ?? null, json(entry.before), json(entry.after)],
  };
}
