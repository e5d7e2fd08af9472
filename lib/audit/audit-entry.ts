import "server-only";
import { execute, sql, type Queryable, type Sql } from "@/lib/db/sql";
import type { PrismaTx } from "@/lib/db/transaction";

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

/** The audit insert as a fragment, to put inside a larger statement (e.g. after a CTE) and save a round trip. */
export function auditInsert(entry: AuditEntry): Sql {
  return sql`INSERT INTO audit_log (actor_id, action, entity_type, entity_id, before, after)
    VALUES (${entry.actorId}::uuid, ${entry.action}, ${entry.entityType}, ${entry.entityId ?? null}, ${json(entry.before)}::jsonb, ${json(entry.after)}::jsonb)`;
}

/**
 * The one audit writer: writes the entry inside the caller's transaction (a pg one or a Prisma
 * one, see withTransaction), so it lands with the change or not at all. Outside a transaction
 * (a refusal with nothing else to write) it takes the pool.
 */
export async function writeAudit(tx: Queryable | PrismaTx, entry: AuditEntry): Promise<void> {
  const statement = auditInsert(entry);
  if ("$executeRawUnsafe" in tx) await tx.$executeRawUnsafe(statement.text, ...statement.values);
  else await execute(tx, statement);
}
