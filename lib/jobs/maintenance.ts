import type PgBoss from "pg-boss";
import { purgeOldLoginAttempts } from "@/lib/auth/login-throttle";
import { failInterruptedImports } from "@/lib/import/import-prompts";
import { logger } from "@/lib/logger";

export const MAINTENANCE_JOB = "maintenance";

/** Housekeeping every 5 minutes: interrupted imports are marked failed, old sign-in attempts deleted. */
export async function runMaintenance(): Promise<{ interruptedImports: number; loginAttemptsPurged: number }> {
  const interruptedImports = await failInterruptedImports();
  const loginAttemptsPurged = await purgeOldLoginAttempts();
  return { interruptedImports, loginAttemptsPurged };
}

export async function registerMaintenance(boss: PgBoss): Promise<void> {
  await boss.createQueue(MAINTENANCE_JOB);
  await boss.schedule(MAINTENANCE_JOB, "*/5 * * * *");
  await boss.work(MAINTENANCE_JOB, async () => {
    const result = await runMaintenance();
    if (result.interruptedImports || result.loginAttemptsPurged) logger.info(result, "maintenance");
  });
}
