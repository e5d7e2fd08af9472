import "server-only";
import { RunStatus, UnitState } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryOne, sql } from "@/lib/db/sql";
import { ACTIVE_RUN_STATUSES } from "@/lib/judge/runs/run-state";
import { changeRunStatus } from "@/lib/judge/runs/run-status";
import { takeRunSlot } from "@/lib/judge/runs/run-slots";
import { coalesce } from "@/lib/judge/runs/coalesce";
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

interface SlotCheck {
  status: RunStatus;
  budgetCalls: number | null;
  budgetTokens: number | null;
  budgetCostUsd: number | null;
  callsMade: number;
  callsUnrecorded: number;
  tokensUsed: number;
  costUsd: number;
  unitState: UnitState | null;
}

/**
 * The run's status and spending and the unit's state, read once a slot is held; units of one run
 * checked at about the same time share one query (the spending is the run's, the same for all).
 */
const checkInSlotSoon = coalesce(
  async (units: { runId: string; promptId: string; unitIndex: number }[]): Promise<(SlotCheck | undefined)[]> => {
    const checks = new Map<string, SlotCheck | undefined>();
    for (const runId of new Set(units.map((u) => u.runId))) {
      const mine = units.filter((u) => u.runId === runId);
      const row = await queryOne<Omit<SlotCheck, "unitState"> & { units: { p: string; i: number; s: UnitState }[] | null }>(
        pool(),
        sql`SELECT r.status, r.budget_calls, r.budget_tokens::float8 AS budget_tokens, r.budget_cost_usd, ${SPEND_SQL},
                (SELECT json_agg(json_build_object('p', u.prompt_id, 'i', u.unit_index, 's', u.state))
                   FROM judge_units u JOIN unnest(${mine.map((u) => u.promptId)}::uuid[], ${mine.map((u) => u.unitIndex)}::int[]) AS k(p, i)
                     ON u.prompt_id = k.p AND u.unit_index = k.i
                  WHERE u.run_id = r.id) AS units
           FROM judge_runs r WHERE r.id = ${runId}`,
        { name: "run-slot-check" },
      );
      const states = new Map((row?.units ?? []).map((u) => [`${u.p}:${u.i}`, u.s]));
      for (const u of mine)
        checks.set(
          `${runId}:${u.promptId}:${u.unitIndex}`,
          row ? { ...row, unitState: states.get(`${u.promptId}:${u.unitIndex}`) ?? null } : undefined,
        );
    }
    return units.map((u) => checks.get(`${u.runId}:${u.promptId}:${u.unitIndex}`));
  },
  { lingerMs: 5, maxItems: 256 },
);

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
    const run = await checkInSlotSoon({ runId, ...unit });
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
