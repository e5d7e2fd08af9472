import type PgBoss from "pg-boss";
import { refreshStaleAgreementReports } from "@/lib/agreement/project-agreement";
import { logger } from "@/lib/logger";

export const AGREEMENT_REFRESH_JOB = "agreement-refresh";

/**
 * Every minute, one worker (pg-boss schedules one job per tick across all workers) recomputes the
 * whole-project agreement reports whose data changed, so dashboards are answered from the cache.
 */
export async function registerAgreementRefresh(boss: PgBoss): Promise<void> {
  await boss.createQueue(AGREEMENT_REFRESH_JOB);
  await boss.schedule(AGREEMENT_REFRESH_JOB, "* * * * *");
  await boss.work(AGREEMENT_REFRESH_JOB, async () => {
    const refreshed = await refreshStaleAgreementReports();
    if (refreshed > 0) logger.info({ refreshed }, "agreement reports refreshed");
  });
}
