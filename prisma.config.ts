import { defineConfig } from "prisma/config";

// The Prisma CLI is used offline only for generate/validate/format; migrations are applied
// by lib/db/migrate.ts. The URL is read for machines where `prisma migrate status` can run.
export default defineConfig({
  schema: "prisma/schema.prisma",
  migrations: { path: "prisma/migrations" },
  datasource: { url: process.env.DATABASE_URL ?? "postgresql://localhost/medpref" },
});
