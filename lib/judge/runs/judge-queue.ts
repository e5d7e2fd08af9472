import type PgBoss from "pg-boss";
import { auditInsertQuery, recordAudit } from "@/lib/audit/audit-entry";
import { env } from "@/lib/config/env";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { BATCH_POLL_JOB, cancelRemoteBatches, pollJudgeBatches } from "@/lib/judge/runs/batch-run";
import { runGenerationCall } from "@/lib/judge/runs/run-generation-call";
import { EndpointRefusedError } from "@/lib/judge/call-judge";
import { judgeJobId } from "@/lib/judge/runs/job-id";
import { runJudgeCall } from "@/lib/judge/runs/run-judge-call";
import { orphanedJobs } from "@/lib/judge/runs/run-slots";
import { dispatchJobs } from "@/lib/judge/runs/unit-dispatcher";
import { RetryLaterError, type JobContext, type UnitResult } from "@/lib/judge/runs/run-unit";
import { completeRunIfDone, recordUnitOutcome } from "@/lib/judge/runs/unit-outcome";
import { logger } from "@/lib/logger";

/** One queue for every unit of every run (judge or generation); the job says which unit. */
export const JUDGE_CALL_JOB = "judge-call";

export interface UnitJob {
  runId: string;
  promptId: string;
  /** The permutation (judge run) or the generator model's index (generation run). */
  permutation: number;
  kind?: "JUDGE" | "GENERATE";
}

const UNIT_JOB_OPTIONS = { retryLimit: 5, retryDelay: 2, retryBackoff: true, expireInSeconds: 3600 } as const;
/** A failing poll (endpoint down) is retried for hours; a finished poll schedules the next one. */
const BATCH_POLL_OPTIONS = { retryLimit: 500, retryDelay: 30, expireInSeconds: 3600 } as const;

export async function ensureRunQueues(boss: PgBoss): Promise<void> {
  await boss.createQueue(JUDGE_CALL_JOB);
  await boss.createQueue(BATCH_POLL_JOB);
}

/** Enqueues every pending unit of the run, under ids fixed by (run, prompt, unit, generation). */
async function enqueuePending(boss: PgBoss, runId: string): Promise<number> {
  const run = await db().judgeRun.findUnique({ where: { id: runId }, select: { kind: true, mode: true, config: true } });
  if (!run) throw new AppError("NOT_FOUND", "No such run.");
  if (run.mode === "BATCH") {
    await boss.send(BATCH_POLL_JOB, { runId }, BATCH_POLL_OPTIONS);
    return (await pool().query(`SELECT count(*)::int AS n FROM judge_units WHERE run_id = $1 AND state = 'PENDING'`, [runId])).rows[0].n;
  }
  const generation = (run.config as { generation?: number }).generation ?? 0;
  let enqueued = 0;
  // Keyset pages, so a run over 100k prompts is not read into memory at once.
  for (let after = { p: "00000000-0000-0000-0000-000000000000", u: -1 }; ;) {
    const { rows } = await pool().query<{ prompt_id: string; unit_index: number }>(
      `SELECT prompt_id, unit_index FROM judge_units WHERE run_id = $1 AND state = 'PENDING' AND (prompt_id, unit_index) > ($2::uuid, $3::int)
        ORDER BY prompt_id, unit_index LIMIT 1000`,
      [runId, after.p, after.u],
    );
    if (rows.length === 0) return enqueued;
    await boss.insert(
      rows.map((r) => ({
        id: judgeJobId(runId, r.prompt_id, r.unit_index, generation),
        name: JUDGE_CALL_JOB,
        data: { runId, promptId: r.prompt_id, permutation: r.unit_index, kind: run.kind } satisfies UnitJob,
        ...UNIT_JOB_OPTIONS,
      })),
    );
    enqueued += rows.length;
    const last = rows.at(-1)!;
    after = { p: last.prompt_id, u: last.unit_index };
  }
}

/** Starts a queued run: its units go to the queue (or, in batch mode, to an OpenAI batch). */
export async function startJudgeRun(boss: PgBoss, runId: string, actorId: string | null): Promise<number> {
  await ensureRunQueues(boss);
  const updated = await db().judgeRun.updateMany({
    where: { id: runId, status: { in: ["QUEUED", "PAUSED"] } },
    data: { status: "RUNNING", startedAt: new Date(), pausedReason: null },
  });
  if (updated.count === 0) throw new AppError("CONFLICT", "Only a queued or paused run can be started.");
  const enqueued = await enqueuePending(boss, runId);
  await withTransaction(async (tx) => {
    // A run with nothing left to do is complete at once.
    await tx.query(
      `UPDATE judge_runs SET status = 'COMPLETED', finished_at = now() WHERE id = $1 AND status = 'RUNNING' AND NOT EXISTS (SELECT 1 FROM judge_units WHERE run_id = $1 AND state = 'PENDING')`,
      [runId],
    );
    const audit = auditInsertQuery({ actorId, action: "judge-run.start", entityType: "judge_run", entityId: runId, after: { enqueued } });
    await tx.query(audit.text, audit.values);
  });
  return enqueued;
}

export async function pauseJudgeRun(runId: string, actorId: string | null): Promise<void> {
  await setStatus(runId, ["QUEUED", "RUNNING"], "PAUSED", actorId, "judge-run.pause");
}

/** Cancels a run: queued jobs find it cancelled and do nothing; a remote batch is cancelled too. */
export async function cancelJudgeRun(runId: string, actorId: string | null): Promise<void> {
  await setStatus(runId, ["QUEUED", "RUNNING", "PAUSED"], "CANCELLED", actorId, "judge-run.cancel");
  await cancelRemoteBatches(runId);
}

/**
 * Resumes a paused, failed or completed-with-failures run: failed units get another chance, a new
 * job generation is enqueued for every unit without a result, and nothing stored is redone.
 */
export async function resumeJudgeRun(boss: PgBoss, runId: string, actorId: string | null): Promise<number> {
  await withTransaction(async (tx) => {
    const { rows } = await tx.query<{ status: string }>(`SELECT status FROM judge_runs WHERE id = $1 FOR UPDATE`, [runId]);
    if (!rows[0]) throw new AppError("NOT_FOUND", "No such run.");
    if (!["PAUSED", "FAILED", "COMPLETED"].includes(rows[0].status))
      throw new AppError(
        "CONFLICT",
        `Only a paused run, or one with failed calls, can be resumed (this one is ${rows[0].status.toLowerCase()}).`,
      );
    await tx.query(`UPDATE judge_units SET state = 'PENDING', updated_at = now() WHERE run_id = $1 AND state = 'FAILED'`, [runId]);
    await tx.query(
      `UPDATE judge_runs SET status = 'PAUSED', finished_at = NULL,
              config = jsonb_set(config, '{generation}', to_jsonb(coalesce((config->>'generation')::int, 0) + 1))
        WHERE id = $1`,
      [runId],
    );
  });
  return startJudgeRun(boss, runId, actorId);
}

async function setStatus(runId: string, from: string[], to: "PAUSED" | "CANCELLED", actorId: string | null, action: string) {
  await db().$transaction(async (tx) => {
    const updated = await tx.judgeRun.updateMany({
      where: { id: runId, status: { in: from as never } },
      data: {
        status: to,
        pausedReason: to === "PAUSED" ? "Paused by an admin." : null,
        finishedAt: to === "CANCELLED" ? new Date() : undefined,
      },
    });
    if (updated.count === 0) throw new AppError("CONFLICT", `The run cannot be ${to === "PAUSED" ? "paused" : "cancelled"} now.`);
    await recordAudit(tx, { actorId, action, entityType: "judge_run", entityId: runId });
  });
}

/** Records a unit as failed when its job's last delivery ends in an error that is not the judge's. */
async function recordUnitError(job: UnitJob, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await withTransaction((tx) =>
    recordUnitOutcome(
      tx,
      { runId: job.runId, promptId: job.promptId, unitIndex: job.permutation },
      {
        calls: [
          {
            status: "FAILED",
            shownOrder: null,
            request: {},
            response: null,
            error: message.slice(0, 2000),
            inputTokens: 0,
            outputTokens: 0,
            latencyMs: null,
          },
        ],
        // Records the failure, not a request: what this delivery sent is still written down, unsettled.
        sends: [],
        prices: null,
        model: "",
        outcome: "FAILED",
      },
    ),
  );
  await completeRunIfDone(job.runId);
}

export function runUnitJob(data: UnitJob, ctx: JobContext): Promise<UnitResult> {
  return data.kind === "GENERATE" ? runGenerationCall(data, ctx) : runJudgeCall(data, ctx);
}

/**
 * Runs up to `concurrency` run units of this worker at once, the batch poller, and the reaper
 * that hands the jobs of a dead worker (kill -9, power loss) back to the queue at once instead of
 * after their expiry. Returns the function that stops them (in-flight units finish first).
 */
export async function registerJudgeWorker(boss: PgBoss, concurrency = 16): Promise<() => Promise<void>> {
  await ensureRunQueues(boss);
  const units = dispatchJobs<UnitJob>(boss, JUDGE_CALL_JOB, concurrency, async (job) => {
    const lastDelivery = job.retryCount >= job.retryLimit;
    try {
      const outcome = await runUnitJob(job.data, { lastDelivery, jobId: job.id });
      logger.debug({ job: job.data, outcome }, "run unit");
    } catch (error) {
      // An endpoint the policy refuses (a key variable MedPref reads, a metadata address) fails its units at once.
      if (error instanceof EndpointRefusedError) return recordUnitError(job.data, error);
      if (lastDelivery && !(error instanceof RetryLaterError)) await recordUnitError(job.data, error);
      throw error;
    }
  });
  await boss.work<{ runId: string }>(BATCH_POLL_JOB, { batchSize: 1, pollingIntervalSeconds: 2 }, async ([job]) => {
    if (!job) return;
    const next = await pollJudgeBatches(job.data.runId);
    if (next === "again")
      await boss.send(BATCH_POLL_JOB, { runId: job.data.runId }, { ...BATCH_POLL_OPTIONS, startAfter: env().MEDPREF_BATCH_POLL_SECONDS });
  });
  const reap = async () => {
    for (const id of await orphanedJobs(JUDGE_CALL_JOB, 15)) {
      await boss.fail(JUDGE_CALL_JOB, id, { reason: "its worker stopped" });
      await boss.retry(JUDGE_CALL_JOB, id);
      logger.info({ id }, "job of a stopped worker handed back to the queue");
    }
  };
  const timer = setInterval(() => void reap().catch((e) => logger.warn({ err: e }, "reaper failed")), 5_000);
  timer.unref();
  await reap().catch((e) => logger.warn({ err: e }, "reaper failed"));
  return async () => {
    clearInterval(timer);
    await units.stop();
  };
}
