import "server-only";
import { CallStatus, UnitState, type RunStatus } from "@/generated/prisma/enums";
import { queryOne, sql, type Queryable, type Sql } from "@/lib/db/sql";
import { RUN_TRANSITIONS, type RunTransition } from "@/lib/judge/runs/run-state";

/**
 * The one writer of `judge_runs.status`. Each change is one conditional UPDATE that applies a
 * transition of RUN_TRANSITIONS only when the run is in one of its `from` statuses (and, for a
 * completion, no unit is pending), so two concurrent writers can never both move a run, and a
 * refused transition is reported instead of silently written.
 */
export type RunStatusChange =
  | { transition: "start" }
  | { transition: "pickUp" }
  | { transition: "pause"; reason: string }
  | { transition: "budgetPause"; reason: string }
  | { transition: "resume" }
  | { transition: "cancel" }
  | { transition: "complete" }
  | { transition: "fail"; reason: string };

/** `changed`: the run moved to `status`. Otherwise `status` is where it stays (null: no such run). */
export type RunStatusWrite = { changed: true; status: RunStatus } | { changed: false; status: RunStatus | null };

/** No unit of the run is pending (the condition of a completion). */
const noUnitPending = (runId: string) =>
  sql`NOT EXISTS (SELECT 1 FROM judge_units WHERE run_id = ${runId} AND state = ${UnitState.PENDING})`;

/** What else a transition writes besides the status (`reason`: the change's reason, or null for changes without one). */
const EFFECTS: Record<RunTransition, { set: (reason: string | null) => Sql; whenNoUnitPending?: true }> = {
  start: { set: () => sql`started_at = now(), paused_reason = NULL` },
  pickUp: { set: () => sql`started_at = coalesce(started_at, now())` },
  pause: { set: (reason) => sql`paused_reason = ${reason}` },
  budgetPause: { set: (reason) => sql`paused_reason = ${reason}` },
  // A new job generation, so the units still without a result can be enqueued again.
  resume: {
    set: () => sql`started_at = now(), paused_reason = NULL, finished_at = NULL,
          config = jsonb_set(config, '{generation}', to_jsonb(coalesce((config->>'generation')::int, 0) + 1))`,
  },
  cancel: { set: () => sql`paused_reason = NULL, finished_at = now()` },
  complete: { set: () => sql`paused_reason = NULL, finished_at = now()`, whenNoUnitPending: true },
  fail: { set: (reason) => sql`paused_reason = ${reason}, finished_at = now()` },
};

/** Applies one transition to a run, in the caller's transaction or on the pool. */
export async function changeRunStatus(q: Queryable, runId: string, change: RunStatusChange): Promise<RunStatusWrite> {
  const { from, to } = RUN_TRANSITIONS[change.transition];
  const effect = EFFECTS[change.transition];
  const reason = "reason" in change ? change.reason : null;
  const row = await queryOne<Reported>(
    q,
    reported(
      runId,
      sql`UPDATE judge_runs SET status = ${to}::run_status, ${effect.set(reason)}
            WHERE id = ${runId} AND status = ANY(${from}::run_status[])${effect.whenNoUnitPending ? sql` AND ${noUnitPending(runId)}` : sql.empty}`,
    ),
    { name: `run-status-${change.transition}` },
  );
  return written(row);
}

/**
 * Ends a running run once none of its units is pending (call it after the outcome's commit): it
 * completes, or fails when not one unit succeeded, with the most frequent error as the cause.
 * One statement, so a unit's late success can never slip between the check and the write.
 */
export async function settleRunIfDone(q: Queryable, runId: string): Promise<RunStatusWrite> {
  const { complete, fail } = RUN_TRANSITIONS;
  const from = complete.from.filter((s) => (fail.from as readonly RunStatus[]).includes(s));
  const row = await queryOne<Reported>(
    q,
    reported(
      runId,
      sql`WITH outcome AS (
             SELECT NOT EXISTS (SELECT 1 FROM judge_units WHERE run_id = ${runId} AND state = ${UnitState.DONE}) AS all_failed,
                    (SELECT count(*)::int FROM judge_units WHERE run_id = ${runId}) AS units,
                    (SELECT error FROM judge_calls WHERE run_id = ${runId} AND status = ${CallStatus.FAILED} AND error IS NOT NULL
                      GROUP BY error ORDER BY count(*) DESC, max(created_at) DESC LIMIT 1) AS cause)
           UPDATE judge_runs SET
                  status = CASE WHEN outcome.all_failed THEN ${fail.to}::run_status ELSE ${complete.to}::run_status END,
                  paused_reason = CASE WHEN outcome.all_failed
                    THEN 'Every unit failed (' || outcome.units || ' of ' || outcome.units || '). Most frequent cause: ' || coalesce(outcome.cause, 'unknown') ELSE NULL END,
                  finished_at = now()
             FROM outcome
            WHERE id = ${runId} AND status = ANY(${from}::run_status[]) AND ${noUnitPending(runId)}`,
    ),
    { name: "run-status-settle" },
  );
  return written(row);
}

/**
 * Wraps a conditional UPDATE of the run so one round trip says both what it wrote and, when it
 * wrote nothing, where the run stands (the outer SELECT reads the row as it was before the UPDATE).
 */
const reported = (runId: string, update: Sql) =>
  sql`WITH written AS (${update} RETURNING judge_runs.status)
   SELECT (SELECT status FROM written) AS written, (SELECT status FROM judge_runs WHERE id = ${runId}) AS current`;

type Reported = { written: RunStatus | null; current: RunStatus | null };

function written(reported: Reported | undefined): RunStatusWrite {
  const row = reported!;
  return row.written ? { changed: true, status: row.written } : { changed: false, status: row.current };
}
