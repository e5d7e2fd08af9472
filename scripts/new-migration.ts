// `npm run db:new-migration -- NAME`: creates prisma/migrations/<timestamp>_<name>/migration.sql
// for hand-written DDL (Prisma's migrate cannot run offline; see CONTRIBUTING.md).
export {};
import fs from "node:fs";
import path from "node:path";

const { newMigrationFolder } = await import("@/lib/db/migration-names");
const name = process.argv.slice(2).join(" ");
if (!name) {
  process.stderr.write("Usage: npm run db:new-migration -- NAME   (for example: npm run db:new-migration -- verification_sets)\n");
  process.exit(2);
}
const root = path.join(process.cwd(), "prisma", "migrations");
try {
  const folder = newMigrationFolder(
    name,
    fs.readdirSync(root).filter((f) => fs.statSync(path.join(root, f)).isDirectory()),
    new Date(),
  );
  fs.mkdirSync(path.join(root, folder));
  const file = path.join(root, folder, "migration.sql");
  fs.writeFileSync(
    file,
    [
      `-- ${folder}: write the DDL by hand.`,
      "-- Keep prisma/schema.prisma in step (tests/integration/schema-drift.test.ts fails when they differ), then",
      "-- regenerate the client: PRISMA_SCHEMA_ENGINE_BINARY=/bin/false npx prisma generate",
      "-- Applied in one transaction by lib/db/migrate.ts on the next start or test run; never edit it once merged.",
      "",
    ].join("\n"),
  );
  process.stdout.write(`Created ${path.relative(process.cwd(), file)}\n`);
} catch (error) {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
}
