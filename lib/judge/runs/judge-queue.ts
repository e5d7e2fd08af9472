import "server-only";
import type PgBoss from "pg-boss";
import { writeAudit } from "@/lib/audit/audit-entry";
import { env } from "@/lib/config/env";
import { RunKind, RunMode, UnitState } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import { db } from "@/lib/db/prisma";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { batchPollJob, runUnitJob, unitIndexOf, type UnitJob } from "@/lib/jobs/jobs";
import { cancelRemoteBatches, pollJudgeBatches } from "@/lib/judge/runs/batch-run";
import { runGenerationCall } from "@/lib/judge/runs/run-generation-call";
import { EndpointRefusedError } from "@/lib/judge/endpoint-policy";
import { judgeJobId } from "@/lib/judge/runs/job-id";
import { runJudgeCall } from "@/lib/judge/runs/run-judge-call";
import { runPairJudgeCall } from "@/lib/judge/runs/run-pair-judge-call";
import { orphanedJobs } from "@/lib/judge/runs/run-slots";
import { changeRunStatus, type RunStatusChange } from "@/lib/judge/runs/run-status";
import { dispatchJobs } from "@/lib/judge/runs/unit-dispatcher";
import { RetryLaterError, type JobContext, type UnitResult } from "@/lib/judge/runs/run-unit";
import { completeRunIfDone, recordUnitOutcome } from "@/lib/judge/runs/unit-outcome";
import { logger } from "@/lib/logger";

/** Enqueues every pending unit of the run, under ids fixed by (run, prompt, unit, generation). */
async function enqueuePending(boss: PgBoss, runId: string): Promise<number> {
  const run = await db().judgeRun.findUnique({ where: { id: runId }, select: { kind: true, mode: true, config: true } });
  if (!run) throw new AppError("NOT_FOUND", "No such run.");
  if (run.mode === RunMode.BATCH) {
    await batchPollJob.send(boss, { runId });
    const pending = await queryOne<{ n: number }>(
      pool(),
      sql`SELECT count(*)::int AS n FROM judge_units WHERE run_id = ${runId} AND state = ${UnitState.PENDING}`,
    );
    return pending!.n;
  }
  const generation = (run.config as { generation?: number }).generation ?? 0;
  const unitJob = (promptId: string, unitIndex: number): UnitJob => {
    switch (run.kind) {
      case RunKind.GENERATE:
        return { kind: "GENERATE", runId, promptId, modelIndex: unitIndex };
      case RunKind.PAIR_JUDGE:
        return { kind: "PAIR_JUDGE", runId, promptId, unitIndex };
      case RunKind.JUDGE:
        return { kind: "JUDGE", runId, promptId, permutation: unitIndex };
    }
  };
  let enqueued = 0;
  // Keyset pages, so a run over 100k prompts is not read into memory at once.
  for (let after = { p: "00000000-0000-0000-0000-000000000000", u: -1 }; ;) {
    const rows = await queryRows<{ promptId: string; unitIndex: number }>(
      pool(),
      sql`SELECT prompt_id, unit_index FROM judge_units
           WHERE run_id = ${runId} AND state = ${UnitState.PENDING} AND (prompt_id, unit_index) > (${after.p}::uuid, ${after.u}::int)
        ORDER BY prompt_id, unit_index LIMIT 1000`,
    );
    if (rows.length === 0) return enqueued;
    await runUnitJob.insert(
      boss,
      rows.map((r) => ({ id: judgeJobId(runId, r.promptId, r.unitIndex, generation), data: unitJob(r.promptId, r.unitIndex) })),
    );
    enqueued += rows.length;
    const last = rows.at(-1)!;
    after = { p: last.promptId, u: last.unitIndex };
  }
}

/** Starts a queued or paused run: its units go to the queue (or, in batch mode, to an OpenAI batch). */
export async function startJudgeRun(boss: PgBoss, runId: string, actorId: string | null): Promise<number> {
  const started = await changeRunStatus(pool(), runId, { transition: "start" });
  if (!started.changed) throw new AppError("CONFLICT", "Only a queued or paused run can be started.");
  return launchRun(boss, runId, actorId);
}

/** Enqueues a run just set running; a run with nothing left to do is complete at once. */
async function launchRun(boss: PgBoss, runId: string, actorId: string | null): Promise<number> {
  const enqueued = await enqueuePending(boss, runId);
  await withTransaction(async (tx) => {
    await changeRunStatus(tx, runId, { transition: "complete" });
    await writeAudit(tx, { actorId, action: "judge-run.start", entityType: "judge_run", entityId: runId, after: { enqueued } });
  });
  return enqueued;
}

export async function pauseJudgeRun(runId: string, actorId: string | null): Promise<void> {
  await changeByAdmin(
    runId,
    { transition: "pause", reason: "Paused by an admin." },
    actorId,
    "judge-run.pause",
    "The run cannot be paused now.",
  );
}

/** Cancels a run: queued jobs find it cancelled and do nothing; a remote batch is cancelled too. */
export async function cancelJudgeRun(runId: string, actorId: string | null): Promise<void> {
  await changeByAdmin(runId, { transition: "cancel" }, actorId, "judge-run.cancel", "The run cannot be cancelled now.");
  await cancelRemoteBatches(runId);
}

/**
 * Resumes a paused, failed or completed-with-failures run: failed units get another chance, a new
 * job generation is enqueued for every unit without a result, and nothing stored is redone.
 */
export async function resumeJudgeRun(boss: PgBoss, runId: string, actorId: string | null): Promise<number> {
  await withTransaction(async (tx) => {
    const resumed = await changeRunStatus(tx, runId, { transition: "resume" });
    if (!resumed.changed) {
      if (!resumed.status) throw new AppError("NOT_FOUND", "No such run.");
      throw new AppError(
        "CONFLICT",
        `Only a paused run, or one with failed calls, can be resumed (this one is ${resumed.status.toLowerCase()}).`,
      );
    }
    await execute(
      tx,
      sql`UPDATE judge_units SET state = ${UnitState.PENDING}, updated_at = now() WHERE run_id = ${runId} AND state = ${UnitState.FAILED}`,
    );
  });
  return launchRun(boss, runId, actorId);
}

/** An admin's pause or cancel, audited with the change, or a conflict when the run's status refuses it. */
async function changeByAdmin(runId: string, change: RunStatusChange, actorId: string | null, action: string, refused: string) {
  await withTransaction(async (tx) => {
    const written = await changeRunStatus(tx, runId, change);
    if (!written.changed) throw new AppError("CONFLICT", refused);
    await writeAudit(tx, { actorId, action, entityType: "judge_run", entityId: runId });
  });
}

/** Records a unit as failed when its job's last delivery ends in an error that is not the judge's. */
async function recordUnitError(job: UnitJob, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await withTransaction((tx) =>
    recordUnitOutcome(
      tx,
      { runId: job.runId, promptId: job.promptId, unitIndex: unitIndexOf(job) },
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

export function runUnit(data: UnitJob, ctx: JobContext): Promise<UnitResult> {
  switch (data.kind) {
    case "GENERATE":
      return runGenerationCall(data, ctx);
    case "PAIR_JUDGE":
      return runPairJudgeCall(data, ctx);
    case "JUDGE":
      return runJudgeCall(data, ctx);
  }
}

/**
 * Runs up to `concurrency` run units of this worker at once, the batch poller, and the reaper
 * that hands the jobs of a dead worker (kill -9, power loss) back to the queue at once instead of
 * after their expiry. Returns the function that stops them (in-flight units finish first).
 */
export async function registerJudgeWorker(boss: PgBoss, concurrency = 16): Promise<() => Promise<void>> {
  await runUnitJob.ensure(boss);
  const units = dispatchJobs(boss, runUnitJob, concurrency, async (data, job) => {
    const lastDelivery = job.retryCount >= job.retryLimit;
    try {
      const outcome = await runUnit(data, { lastDelivery, jobId: job.id });
      logger.debug({ job: data, outcome }, "run unit");
    } catch (error) {
      // An endpoint the policy refuses (a key variable MedPref reads, a metadata address) fails its units at once.
      if (error instanceof EndpointRefusedError) return recordUnitError(data, error);
      if (lastDelivery && !(error instanceof RetryLaterError)) await recordUnitError(data, error);
      throw error;
    }
  });
  await batchPollJob.work(
    boss,
    async ({ runId }) => {
      const next = await pollJudgeBatches(runId).catch((error: unknown) => {
        // Retried by the queue (an endpoint down for hours included); the cause is worth a line.
        logger.warn({ err: error, run: runId }, "batch poll failed");
        throw error;
      });
      if (next === "again") await batchPollJob.send(boss, { runId }, { startAfter: env().MEDPREF_BATCH_POLL_SECONDS });
    },
    { pollingIntervalSeconds: 2 },
  );
  const reap = async () => {
    for (const id of await orphanedJobs(runUnitJob.name, 15)) {
      await boss.fail(runUnitJob.name, id, { reason: "its worker stopped" });
      await boss.retry(runUnitJob.name, id);
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
