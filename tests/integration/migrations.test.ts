import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { beforeEach, describe, expect, it } from "vitest";
import { migrate, readMigrations } from "@/lib/db/migrate";
import { useFreshDatabase } from "../support/test-database";

async function query<T extends pg.QueryResultRow>(url: string, sql: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql, values)).rows;
  } finally {
    await client.end();
  }
}

describe("migration runner", () => {
  let url: string;
  beforeEach(async () => {
    url = await useFreshDatabase({ migrated: false });
  });

  it("applies every migration to an empty database and records it as Prisma does", async () => {
    const migrations = await readMigrations();
    const result = await migrate(url);
    expect(result.applied).toEqual(migrations.map((m) => m.name));
    const rows = await query<{ migration_name: string; checksum: string; finished_at: Date | null; applied_steps_count: number }>(
      url,
      `SELECT * FROM "_prisma_migrations" ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(migrations.map((m) => m.name));
    expect(rows.map((r) => r.checksum)).toEqual(migrations.map((m) => m.checksum));
    expect(rows.every((r) => r.finished_at !== null && r.applied_steps_count === 1)).toBe(true);
    const tables = await query<{ table_name: string }>(
      url,
      `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
    );
    expect(tables.map((t) => t.table_name)).toEqual(
      expect.arrayContaining(["users", "projects", "prompts", "completions", "rankings", "ranking_revisions", "audit_log"]),
    );
  });

  it("does nothing when run again", async () => {
    await migrate(url);
    const second = await migrate(url);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied.length).toBeGreaterThan(0);
    const rows = await query(url, `SELECT 1 FROM "_prisma_migrations"`);
    expect(rows).toHaveLength(second.alreadyApplied.length);
  });

  it("applies each migration once when several processes start at the same time", async () => {
    const results = await Promise.all([migrate(url), migrate(url), migrate(url), migrate(url)]);
    const appliedCounts = results.map((r) => r.applied.length);
    expect(appliedCounts.filter((n) => n > 0)).toHaveLength(1);
    const rows = await query(url, `SELECT 1 FROM "_prisma_migrations"`);
    expect(rows).toHaveLength((await readMigrations()).length);
  });

  it("refuses to run when an applied migration was edited afterwards", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-migrations-"));
    await fs.mkdir(path.join(dir, "20260101000000_one"));
    await fs.writeFile(path.join(dir, "20260101000000_one", "migration.sql"), "CREATE TABLE drift_probe (id int);");
    await migrate(url, { dir });
    await fs.writeFile(path.join(dir, "20260101000000_one", "migration.sql"), "CREATE TABLE drift_probe (id bigint);");
    await expect(migrate(url, { dir })).rejects.toThrow(/was changed after it was applied/);
  });

  it("rolls a failing migration back whole and records nothing for it", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-migrations-"));
    await fs.mkdir(path.join(dir, "20260101000000_broken"));
    await fs.writeFile(
      path.join(dir, "20260101000000_broken", "migration.sql"),
      "CREATE TABLE half_done (id int); SELECT no_such_function();",
    );
    await expect(migrate(url, { dir })).rejects.toThrow(/failed and was rolled back/);
    const tables = await query(url, `SELECT 1 FROM information_schema.tables WHERE table_name = 'half_done'`);
    expect(tables).toHaveLength(0);
    const rows = await query(url, `SELECT 1 FROM "_prisma_migrations"`);
    expect(rows).toHaveLength(0);
  });
});
