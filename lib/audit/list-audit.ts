import "server-only";
import { z } from "zod";
import { idsIn } from "@/lib/audit/audit-diff";
import { pool } from "@/lib/db/pool";
import { queryRows, sql, type Sql } from "@/lib/db/sql";
import { csvCell } from "@/lib/text/csv-cell";

/** What the audit log viewer and its CSV download filter on. */
export const auditFilterSchema = z.object({
  actor: z.string().trim().max(200).optional(),
  action: z.string().trim().max(100).optional(),
  entityType: z.string().trim().max(100).optional(),
  entityId: z.string().trim().max(100).optional(),
  from: z.iso.date("a date as YYYY-MM-DD").optional(),
  to: z.iso.date("a date as YYYY-MM-DD").optional(),
});
export type AuditFilter = z.infer<typeof auditFilterSchema>;

export interface AuditRow {
  id: string;
  createdAt: Date;
  actor: string;
  action: string;
  entityType: string;
  entityId: string | null;
  before: unknown;
  after: unknown;
}

/** WHERE clause for a filter: actor email or name contains, action prefix, exact entity, [from, to] days. */
function where(filter: AuditFilter): Sql[] {
  const conditions: Sql[] = [];
  if (filter.actor) {
    const actor = filter.actor.replace(/[\\%_]/g, (c) => `\\${c}`);
    conditions.push(sql`(u.email ILIKE '%' || ${actor} || '%' OR u.name ILIKE '%' || ${actor} || '%')`);
  }
  if (filter.action) conditions.push(sql`a.action LIKE ${filter.action.replace(/[\\%_]/g, (c) => `\\${c}`)} || '%'`);
  if (filter.entityType) conditions.push(sql`a.entity_type = ${filter.entityType}`);
  if (filter.entityId) conditions.push(sql`a.entity_id = ${filter.entityId}`);
  if (filter.from) conditions.push(sql`a.created_at >= ${filter.from}::date`);
  if (filter.to) conditions.push(sql`a.created_at < ${filter.to}::date + 1`);
  return conditions;
}

const SELECT = sql`SELECT a.id::text, a.created_at AS "createdAt", coalesce(u.email, 'system (CLI or worker)') AS actor, a.action,
                       a.entity_type AS "entityType", a.entity_id AS "entityId", a.before, a.after
                  FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id`;

/** The newest matching entries (newest first), and older ones page by page with `beforeId`. */
export async function listAuditEntries(filter: AuditFilter = {}, options: { limit?: number; beforeId?: string } = {}): Promise<AuditRow[]> {
  const conditions = where(filter);
  if (options.beforeId) conditions.push(sql`a.id < ${options.beforeId}::bigint`);
  const clause = conditions.length ? sql`WHERE ${sql.join(conditions, sql` AND `)}` : sql.empty;
  return queryRows<AuditRow>(pool(), sql`${SELECT} ${clause} ORDER BY a.id DESC LIMIT ${options.limit ?? 200}`);
}

/**
 * What the ids in these entries name (for the viewer's readable changes): a candidate as
 * "Response N · model", a user by name and email, a prompt, project, judge run or export by its name.
 */
export async function auditNames(rows: readonly AuditRow[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const r of rows) {
    idsIn(r.before, ids);
    idsIn(r.after, ids);
    if (r.entityId) idsIn(r.entityId, ids);
  }
  if (ids.size === 0) return new Map();
  const list = [...ids];
  const found = await queryRows<{ id: string; label: string }>(
    pool(),
    sql`SELECT id::text, 'Response ' || (position + 1) || ' · ' || model AS label FROM completions WHERE id = ANY(${list}::uuid[])
     UNION ALL SELECT id::text, name || ' <' || email || '>' FROM users WHERE id = ANY(${list}::uuid[])
     UNION ALL SELECT id::text, 'prompt ' || coalesce(external_id, left(id::text, 8)) FROM prompts WHERE id = ANY(${list}::uuid[])
     UNION ALL SELECT id::text, 'project ' || slug FROM projects WHERE id = ANY(${list}::uuid[])
     UNION ALL SELECT id::text, 'run "' || name || '"' FROM judge_runs WHERE id = ANY(${list}::uuid[])
     UNION ALL SELECT id::text, 'export "' || name || '"' FROM exports WHERE id = ANY(${list}::uuid[])`,
  );
  return new Map(found.map((r) => [r.id, r.label]));
}

/** The distinct actions recorded so far, for the filter's suggestions. */
export async function auditActions(): Promise<string[]> {
  const rows = await queryRows<{ action: string }>(pool(), sql`SELECT DISTINCT action FROM audit_log ORDER BY action`);
  return rows.map((r) => r.action);
}

/** Every matching entry as CSV, newest first, read in pages of 1,000 (memory stays flat). */
export async function* auditCsv(filter: AuditFilter): AsyncGenerator<string> {
  yield ["id", "time_utc", "actor", "action", "entity_type", "entity_id", "before", "after"].join(",") + "\n";
  let beforeId: string | undefined;
  for (;;) {
    const rows = await listAuditEntries(filter, { limit: 1000, beforeId });
    if (rows.length === 0) return;
    yield (
      rows
        .map((r) => [r.id, r.createdAt, r.actor, r.action, r.entityType, r.entityId, r.before, r.after].map(csvCell).join(","))
        .join("\n") + "\n"
    );
    beforeId = rows.at(-1)!.id;
  }
}
