import type PgBoss from "pg-boss";
import { foldClinicianCounts } from "@/lib/annotation/clinician-progress";
import { expireLeases, purgeIdempotencyKeys } from "@/lib/annotation/housekeeping";
import { refreshQueuePriorities } from "@/lib/annotation/queue-priorities";
import { purgeOldLoginAttempts } from "@/lib/auth/login-throttle";
import { deleteExpiredSessions } from "@/lib/auth/sessions";
import { failInterruptedImports } from "@/lib/import/import-prompts";
import { maintenanceJob } from "@/lib/jobs/jobs";
import { foldRunUnitCounts } from "@/lib/judge/runs/run-views";
import { logger } from "@/lib/logger";
import { foldProjectCounts } from "@/lib/projects/project-counts";

/**
 * Housekeeping every 5 minutes: interrupted imports are marked failed, expired leases return to
 * the pool, old sign-in attempts, answered idempotency keys and expired sessions are deleted, and the
 * projects', clinicians' and runs' count deltas are folded, and judge-uncertain queue priorities
 * follow new rankings.
 */
export async function runMaintenance() {
  return {
    interruptedImports: await failInterruptedImports(),
    expiredLeases: await expireLeases(),
    loginAttemptsPurged: await purgeOldLoginAttempts(),
    idempotencyKeysPurged: await purgeIdempotencyKeys(),
    expiredSessionsPurged: await deleteExpiredSessions(),
    projectCountRowsFolded: await foldProjectCounts(),
    clinicianCountRowsFolded: await foldClinicianCounts(),
    runUnitCountRowsFolded: await foldRunUnitCounts(),
    queuePrioritiesRefreshed: await refreshQueuePriorities(),
  };
}

export async function registerMaintenance(boss: PgBoss): Promise<void> {
  await maintenanceJob.work(boss, async () => {
    const result = await runMaintenance();
    if (Object.values(result).some((n) => n > 0)) logger.info(result, "maintenance");
  });
}
