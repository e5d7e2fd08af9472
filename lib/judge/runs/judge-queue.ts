import type PgBoss from "pg-boss";
import { recordAudit } from "@/lib/audit/audit-entry";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { AppError } from "@/lib/errors/app-error";
import { judgeJobId } from "@/lib/judge/runs/job-id";
import { runJudgeCall, type JudgeJob } from "@/lib/judge/runs/run-judge-call";
import { logger } from "@/lib/logger";

export const JUDGE_CALL_JOB = "judge-call";

/** Enqueues every (prompt, permutation) of the run that has no stored result yet. */
async function enqueueMissing(boss: PgBoss, runId: string): Promise<number> {
  const run = await db().judgeRun.findUnique({ where: { id: runId }, select: { permutations: true, config: true } });
  if (!run) throw new AppError("NOT_FOUND", "No such judge run.");
  const { promptIds = [], generation = 0 } = run.config as { promptIds?: string[]; generation?: number };
  const { rows } = await pool().query<{ prompt_id: string; permutation_index: number }>(`SELECT prompt_id, permutation_index FROM rankings WHERE judge_run_id = $1`, [runId]);
  const done = new Set(rows.map((r) => `${r.prompt_id}:${r.permutation_index}`));
  const jobs: PgBoss.JobInsert<JudgeJob>[] = [];
  for (const promptId of promptIds) {
    for (let permutation = 0; permutation < run.permutations; permutation++) {
      if (done.has(`${promptId}:${permutation}`)) continue;
      jobs.push({ id: judgeJobId(runId, promptId, permutation, generation), name: JUDGE_CALL_JOB, data: { runId, promptId, permutation }, retryLimit: 200, retryDelay: 1, retryBackoff: true, expireInSeconds: 900 });
    }
  }
  for (let i = 0; i < jobs.length; i += 1000) await boss.insert(jobs.slice(i, i + 1000));
  return jobs.length;
}

export async function startJudgeRun(boss: PgBoss, runId: string, actorId: string | null): Promise<number> {
  const enqueued = await enqueueMissing(boss, runId);
  await db().$transaction(async (tx) => {
    await tx.judgeRun.update({ where: { id: runId }, data: { status: "RUNNING", startedAt: new Date(), pausedReason: null } });
    await recordAudit(tx, { actorId, action: "judge-run.start", entityType: "judge_run", entityId: runId, after: { enqueued } });
  });
  return enqueued;
}

export async function pauseJudgeRun(runId: string, actorId: string | null): Promise<void> {
  await setStatus(runId, ["QUEUED", "RUNNING"], "PAUSED", actorId, "judge-run.pause");
}

export async function cancelJudgeRun(runId: string, actorId: string | null): Promise<void> {
  await setStatus(runId, ["QUEUED", "RUNNING", "PAUSED"], "CANCELLED", actorId, "judge-run.cancel");
}

/** Resumes a paused run: a new job generation, enqueuing only what has no result. */
export async function resumeJudgeRun(boss: PgBoss, runId: string, actorId: string | null): Promise<number> {
  const run = await db().judgeRun.findUnique({ where: { id: runId }, select: { status: true, config: true } });
  if (!run) throw new AppError("NOT_FOUND", "No such judge run.");
  if (run.status !== "PAUSED") throw new AppError("CONFLICT", `Only a paused run can be resumed (this one is ${run.status.toLowerCase()}).`);
  const config = run.config as { generation?: number };
  await db().judgeRun.update({ where: { id: runId }, data: { config: { ...(run.config as object), generation: (config.generation ?? 0) + 1 } } });
  return startJudgeRun(boss, runId, actorId);
}

async function setStatus(runId: string, from: string[], to: "PAUSED" | "CANCELLED", actorId: string | null, action: string) {
  await db().$transaction(async (tx) => {
    const updated = await tx.judgeRun.updateMany({ where: { id: runId, status: { in: from as never } }, data: { status: to, pausedReason: to === "PAUSED" ? "Paused by an admin." : null, finishedAt: to === "CANCELLED" ? new Date() : undefined } });
    if (updated.count === 0) throw new AppError("CONFLICT", `The run cannot be ${to === "PAUSED" ? "paused" : "cancelled"} now.`);
    await recordAudit(tx, { actorId, action, entityType: "judge_run", entityId: runId });
  });
}

/** Marks the run completed once every (prompt, permutation) has a result or a failed call. */
async function completeIfDone(runId: string): Promise<void> {
  await pool().query(
    `UPDATE judge_runs r SET status = 'COMPLETED', finished_at = now()
      WHERE r.id = $1 AND r.status = 'RUNNING'
        AND (SELECT count(*) FROM (SELECT prompt_id, permutation_index FROM judge_calls WHERE run_id = r.id
                                   UNION SELECT prompt_id, permutation_index FROM rankings WHERE judge_run_id = r.id) x)
            >= jsonb_array_length(r.config->'promptIds') * r.permutations`,
    [runId],
  );
}

/** Registers `concurrency` job loops of this worker for judge calls. */
export async function registerJudgeWorker(boss: PgBoss, concurrency = 16): Promise<void> {
  await boss.createQueue(JUDGE_CALL_JOB);
  for (let i = 0; i < concurrency; i++) {
    await boss.work<JudgeJob>(JUDGE_CALL_JOB, { batchSize: 1, pollingIntervalSeconds: 0.5 }, async ([job]) => {
      if (!job) return;
      const outcome = await runJudgeCall(job.data);
      if (outcome !== "skipped") await completeIfDone(job.data.runId);
      logger.debug({ job: job.data, outcome }, "judge call");
    });
  }
}
