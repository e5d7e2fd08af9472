import type PgBoss from "pg-boss";
import { refreshStaleAgreementReports } from "@/lib/agreement/project-agreement";
import { agreementRefreshJob } from "@/lib/jobs/jobs";
import { logger } from "@/lib/logger";

/**
 * Every minute, one worker (pg-boss schedules one job per tick across all workers) recomputes the
 * whole-project agreement reports whose data changed, so dashboards are answered from the cache.
 */
export async function registerAgreementRefresh(boss: PgBoss): Promise<void> {
  await agreementRefreshJob.work(boss, async () => {
    const refreshed = await refreshStaleAgreementReports();
    if (refreshed > 0) logger.info({ refreshed }, "agreement reports refreshed");
  });
}
