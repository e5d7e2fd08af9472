import type pg from "pg";
import type { RunStatus } from "@/generated/prisma/enums";
import type { Tx } from "@/lib/db/transaction";
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

type Queryable = pg.Pool | Tx;

const NO_UNIT_PENDING = `NOT EXISTS (SELECT 1 FROM judge_units WHERE run_id = $1 AND state = 'PENDING')`;

/** What else a transition writes besides the status ($1 the run, $2 the allowed statuses, $3 the reason). */
const EFFECTS: Record<RunTransition, { set: string; when?: string; reason?: true }> = {
  start: { set: `started_at = now(), paused_reason = NULL` },
  pickUp: { set: `started_at = coalesce(started_at, now())` },
  pause: { set: `paused_reason = $3`, reason: true },
  budgetPause: { set: `paused_reason = $3`, reason: true },
  // A new job generation, so the units still without a result can be enqueued again.
  resume: {
    set: `started_at = now(), paused_reason = NULL, finished_at = NULL,
          config = jsonb_set(config, '{generation}', to_jsonb(coalesce((config->>'generation')::int, 0) + 1))`,
  },
  cancel: { set: `paused_reason = NULL, finished_at = now()` },
  complete: { set: `paused_reason = NULL, finished_at = now()`, when: NO_UNIT_PENDING },
  fail: { set: `paused_reason = $3, finished_at = now()`, reason: true },
};

/** Applies one transition to a run, in the caller's transaction or on the pool. */
export async function changeRunStatus(q: Queryable, runId: string, change: RunStatusChange): Promise<RunStatusWrite> {
  const { from, to } = RUN_TRANSITIONS[change.transition];
  const effect = EFFECTS[change.transition];
  const values: unknown[] = [runId, from];
  if (effect.reason) values.push("reason" in change ? change.reason : null);
  const { rows } = await q.query<Reported>({
    name: `run-status-${change.transition}`,
    text: reported(`UPDATE judge_runs SET status = '${to}'::run_status, ${effect.set}
            WHERE id = $1 AND status = ANY($2::run_status[])${effect.when ? ` AND ${effect.when}` : ""}`),
    values,
  });
  return written(rows);
}

/**
 * Ends a running run once none of its units is pending (call it after the outcome's commit): it
 * completes, or fails when not one unit succeeded, with the most frequent error as the cause.
 * One statement, so a unit's late success can never slip between the check and the write.
 */
export async function settleRunIfDone(q: Queryable, runId: string): Promise<RunStatusWrite> {
  const { complete, fail } = RUN_TRANSITIONS;
  const from = complete.from.filter((s) => (fail.from as readonly RunStatus[]).includes(s));
  const { rows } = await q.query<Reported>({
    name: "run-status-settle",
    text: reported(`WITH outcome AS (
             SELECT NOT EXISTS (SELECT 1 FROM judge_units WHERE run_id = $1 AND state = 'DONE') AS all_failed,
                    (SELECT count(*)::int FROM judge_units WHERE run_id = $1) AS units,
                    (SELECT error FROM judge_calls WHERE run_id = $1 AND status = 'FAILED' AND error IS NOT NULL
                      GROUP BY error ORDER BY count(*) DESC, max(created_at) DESC LIMIT 1) AS cause)
           UPDATE judge_runs SET
                  status = CASE WHEN outcome.all_failed THEN '${fail.to}'::run_status ELSE '${complete.to}'::run_status END,
                  paused_reason = CASE WHEN outcome.all_failed
                    THEN 'Every unit failed (' || outcome.units || ' of ' || outcome.units || '). Most frequent cause: ' || coalesce(outcome.cause, 'unknown') ELSE NULL END,
                  finished_at = now()
             FROM outcome
            WHERE id = $1 AND status = ANY($2::run_status[]) AND ${NO_UNIT_PENDING}`),
    values: [runId, from],
  });
  return written(rows);
}

/**
 * Wraps a conditional UPDATE of run $1 so one round trip says both what it wrote and, when it
 * wrote nothing, where the run stands (the outer SELECT reads the row as it was before the UPDATE).
 */
const reported = (update: string) =>
  `WITH written AS (${update} RETURNING judge_runs.status)
   SELECT (SELECT status FROM written) AS written, (SELECT status FROM judge_runs WHERE id = $1) AS current`;

type Reported = { written: RunStatus | null; current: RunStatus | null };

function written(rows: Reported[]): RunStatusWrite {
  const row = rows[0]!;
  return row.written ? { changed: true, status: row.written } : { changed: false, status: row.current };
}
