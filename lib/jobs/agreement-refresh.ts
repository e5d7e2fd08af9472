import "server-only";
import type PgBoss from "pg-boss";
import { requestWholeProjectRefreshes, runAgreementRefresh } from "@/lib/agreement/project-agreement";
import { agreementRefreshJob, agreementReportJob } from "@/lib/jobs/jobs";
import { logger } from "@/lib/logger";

/**
 * Every minute, one worker (pg-boss schedules one job per tick across all workers) asks for a
 * check of every whole-project agreement report; each check is an `agreement-report` job, which
 * recomputes the report only when its data changed, so dashboards are answered from the stored one.
 */
export async function registerAgreementRefresh(boss: PgBoss): Promise<void> {
  await agreementRefreshJob.work(boss, async () => {
    await requestWholeProjectRefreshes(boss);
  });
  await agreementReportJob.work(boss, async ({ projectId, filterKey }) => {
    const outcome = await runAgreementRefresh(projectId, filterKey);
    if (outcome === "computed") logger.info({ projectId, filterKey }, "agreement report refreshed");
  });
}
