import fs from "node:fs/promises";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { actualShape, dmmfOf, expectedShape, shapeDifferences, type SchemaShape } from "../support/schema-drift";
import { useFreshDatabase } from "../support/test-database";

describe("schema.prisma and the SQL migrations", () => {
  let actual: SchemaShape;
  let schema: string;
  beforeAll(async () => {
    const url = await useFreshDatabase();
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    actual = await actualShape(client);
    await client.end();
    schema = await fs.readFile("prisma/schema.prisma", "utf8");
  });

  it("describe the same tables, columns, enums, indexes and foreign keys", () => {
    expect(shapeDifferences(expectedShape(dmmfOf(schema)), actual)).toEqual([]);
  });

  it("are told apart when the schema gains a field the migrations lack", () => {
    const drifted = schema.replace("model Project {\n", "model Project {\n  archived Boolean @default(false)\n");
    expect(shapeDifferences(expectedShape(dmmfOf(drifted)), actual)).toEqual([
      "columns: only in schema.prisma: projects.archived: boolean not null default",
    ]);
  });

  it("are told apart when an index or a delete rule differs", () => {
    const drifted = schema
      .replace("@@index([raterId])", "")
      .replace(
        /(model Project \{[^}]*createdBy +User\? +@relation\(fields: \[createdById\], references: \[id\], onDelete: )SetNull/,
        "$1Cascade",
      );
    const diff = shapeDifferences(expectedShape(dmmfOf(drifted)), actual);
    expect(diff).toContain("indexes: only in the migrations: rankings normal (rater_id)");
    expect(diff).toContain("foreignKeys: only in schema.prisma: projects(created_by_id) -> users(id) on delete cascade");
  });
});
