import "server-only";
import { auditInsert } from "@/lib/audit/audit-entry";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, sql, type Queryable } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { invalidInput } from "@/lib/errors/zod-problems";
import { critiqueTaxonomySchema, DEFAULT_TAXONOMY, type CritiqueTaxonomy } from "@/lib/critiques/taxonomy";

/** A project's critique taxonomy as spans are marked under it: its version (0: MedPref's default) and tags. */
export interface VersionedTaxonomy {
  version: number;
  taxonomy: CritiqueTaxonomy;
}

/** The project's latest critique taxonomy, or the default (version 0) when an admin never edited it. */
export async function currentTaxonomy(db: Queryable, projectId: string): Promise<VersionedTaxonomy> {
  const row = await queryOne<{ version: number; tags: CritiqueTaxonomy["tags"] }>(
    db,
    sql`SELECT version, tags FROM critique_taxonomies WHERE project_id = ${projectId}::uuid ORDER BY version DESC LIMIT 1`,
  );
  return row ? { version: row.version, taxonomy: { tags: row.tags } } : { version: 0, taxonomy: DEFAULT_TAXONOMY };
}

/** One taxonomy version of a project (0: the default), for spans marked under an earlier one. */
export async function taxonomyVersion(db: Queryable, projectId: string, version: number): Promise<CritiqueTaxonomy> {
  if (version === 0) return DEFAULT_TAXONOMY;
  const row = await queryOne<{ tags: CritiqueTaxonomy["tags"] }>(
    db,
    sql`SELECT tags FROM critique_taxonomies WHERE project_id = ${projectId}::uuid AND version = ${version}`,
  );
  if (!row) throw new AppError("NOT_FOUND", `No critique taxonomy version ${version} in this project.`);
  return { tags: row.tags };
}

/**
 * An admin's edit of the project's taxonomy: stored as the next version (spans keep the version they
 * were marked under), with its audit entry. Tags are validated as critiqueTaxonomySchema says.
 */
export async function saveTaxonomy(projectId: string, input: unknown, actorId: string | null): Promise<VersionedTaxonomy> {
  const parsed = critiqueTaxonomySchema.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  return withTransaction(async (tx) => {
    // Versions are numbered under the project's row lock: two admins saving at once get 1 and 2, not a conflict.
    await execute(tx, sql`SELECT 1 FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`);
    const row = await queryOne<{ version: number }>(
      tx,
      sql`INSERT INTO critique_taxonomies (project_id, version, tags, created_by_id)
          SELECT ${projectId}::uuid, coalesce(max(version), 0) + 1, ${JSON.stringify(parsed.data.tags)}::jsonb, ${actorId}::uuid
            FROM critique_taxonomies WHERE project_id = ${projectId}::uuid
          RETURNING version`,
    );
    await execute(
      tx,
      auditInsert({
        actorId,
        action: "critique-taxonomy.update",
        entityType: "project",
        entityId: projectId,
        after: { version: row!.version, tags: parsed.data.tags },
      }),
    );
    return { version: row!.version, taxonomy: parsed.data };
  });
}

/** The project's current taxonomy, for pages (their reads go through lib, never a connection of their own). */
export function projectCritiqueTaxonomy(projectId: string): Promise<VersionedTaxonomy> {
  return currentTaxonomy(pool(), projectId);
}
