import "server-only";
import { RunStatus, UnitState } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryOne, sql } from "@/lib/db/sql";
import { ACTIVE_RUN_STATUSES } from "@/lib/judge/runs/run-state";
import { changeRunStatus } from "@/lib/judge/runs/run-status";
import { takeRunSlot } from "@/lib/judge/runs/run-slots";
import { SPEND_SQL, spentBudget } from "@/lib/judge/runs/unit-outcome";

export type UnitResult = "stored" | "exists" | "skipped" | "failed" | "retry" | "budget";

/** Where a job stands in the queue: its last delivery records a transport failure as final. */
export interface JobContext {
  lastDelivery: boolean;
  /** The queue job's id: its liveness lock is held with the run slot. */
  jobId?: string;
}

/** Thrown when every concurrency slot of the run stays taken: the queue retries the job later. */
export class RunBusyError extends Error {}

/** Thrown after a transport failure was recorded, so the queue retries the job with backoff. */
export class RetryLaterError extends Error {}

/**
 * Runs `fn` for one unit holding one of the run's `maxConcurrency` slots (across all workers),
 * unless the run stopped, a budget is spent (then the run pauses), or the unit is no longer
 * pending. Spending and the unit's state are read while the slot is held: a budget is overshot by
 * at most the calls in flight, and two jobs of one unit (an old generation's and a resume's) that
 * both passed their first check cannot both call.
 */
export async function inRunSlot<T>(
  runId: string,
  maxConcurrency: number,
  jobId: string | undefined,
  unit: { promptId: string; unitIndex: number },
  fn: (slot: number) => Promise<T>,
): Promise<T | "skipped" | "budget" | "exists"> {
  const slot = await takeRunSlot(runId, maxConcurrency, 60_000, jobId);
  if (!slot) throw new RunBusyError(`all ${maxConcurrency} slots of run ${runId} stayed busy`);
  try {
    const run = await queryOne<{
      status: RunStatus;
      budgetCalls: number | null;
      budgetTokens: number | null;
      budgetCostUsd: number | null;
      callsMade: number;
      callsUnrecorded: number;
      tokensUsed: number;
      costUsd: number;
      unitState: UnitState | null;
    }>(
      pool(),
      sql`SELECT r.status, r.budget_calls, r.budget_tokens::float8 AS budget_tokens, r.budget_cost_usd, ${SPEND_SQL},
              (SELECT u.state FROM judge_units u WHERE u.run_id = r.id AND u.prompt_id = ${unit.promptId} AND u.unit_index = ${unit.unitIndex}) AS unit_state
         FROM judge_runs r WHERE r.id = ${runId}`,
      { name: "run-slot-check" },
    );
    if (!run || !ACTIVE_RUN_STATUSES.has(run.status)) return "skipped";
    if (run.unitState !== UnitState.PENDING) return "exists";
    const reason = spentBudget(run);
    if (reason) {
      await changeRunStatus(pool(), runId, { transition: "budgetPause", reason });
      return "budget";
    }
    if (run.status === RunStatus.QUEUED) await changeRunStatus(pool(), runId, { transition: "pickUp" });
    return await fn(slot.slot);
  } finally {
    await slot.release();
  }
}
