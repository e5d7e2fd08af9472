import "server-only";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "@/generated/prisma/client";
import { pool } from "@/lib/db/pool";

const globalForPrisma = globalThis as unknown as { medprefPrisma?: PrismaClient };

/** The Prisma client of this process, over the shared pool. */
export function db(): PrismaClient {
  globalForPrisma.medprefPrisma ??= new PrismaClient({ adapter: new PrismaPg(pool()) });
  return globalForPrisma.medprefPrisma;
}

export async function disconnectPrisma(): Promise<void> {
  const client = globalForPrisma.medprefPrisma;
  globalForPrisma.medprefPrisma = undefined;
  await client?.$disconnect();
}

export type { PrismaClient };
export { Prisma } from "@/generated/prisma/client";
