import type { RunStatus } from "@/generated/prisma/enums";

/**
 * Every way a judge or generation run's status may change, and from where. The one writer of
 * `judge_runs.status` (run-status.ts) applies these and nothing else; this table is the
 * specification (run-state.test.ts checks every allowed and every refused transition).
 *
 * QUEUED → RUNNING → COMPLETED | FAILED, with PAUSED (by an admin or a spent budget) and
 * CANCELLED on the way; nothing ever returns to QUEUED, and CANCELLED is final.
 */
export const RUN_TRANSITIONS = {
  /** An admin starts a queued run, or starts a paused one again. */
  start: { from: ["QUEUED", "PAUSED"], to: "RUNNING" },
  /** A worker picks up a unit of a run still queued: the run is running from then on. */
  pickUp: { from: ["QUEUED"], to: "RUNNING" },
  /** An admin pauses: jobs already queued find the run paused and do nothing. */
  pause: { from: ["QUEUED", "RUNNING"], to: "PAUSED" },
  /** A budget is spent: the run waits for a higher budget and a resume. */
  budgetPause: { from: ["QUEUED", "RUNNING"], to: "PAUSED" },
  /** A paused, failed or completed-with-failures run runs again: failed units get another chance. */
  resume: { from: ["PAUSED", "FAILED", "COMPLETED"], to: "RUNNING" },
  /** An admin cancels; final. */
  cancel: { from: ["QUEUED", "RUNNING", "PAUSED"], to: "CANCELLED" },
  /** No unit is pending any more and at least one succeeded. */
  complete: { from: ["RUNNING"], to: "COMPLETED" },
  /** Every unit failed, or the run cannot go on (three batches failed or expired). */
  fail: { from: ["RUNNING"], to: "FAILED" },
} as const satisfies Record<string, { from: readonly RunStatus[]; to: RunStatus }>;

export type RunTransition = keyof typeof RUN_TRANSITIONS;

export const RUN_STATUSES: readonly RunStatus[] = ["QUEUED", "RUNNING", "PAUSED", "COMPLETED", "FAILED", "CANCELLED"];

/** Statuses in which a run's queued jobs do their work; in any other, a job does nothing. */
export const ACTIVE_RUN_STATUSES: ReadonlySet<string> = new Set<RunStatus>(["QUEUED", "RUNNING"]);

/** Statuses a run never leaves by itself (a batch poller stops following it). */
export const SETTLED_RUN_STATUSES: ReadonlySet<string> = new Set<RunStatus>(["COMPLETED", "FAILED", "CANCELLED"]);

/** The status `transition` leads to from `status`, or null when the table refuses it. */
export function nextRunStatus(status: RunStatus, transition: RunTransition): RunStatus | null {
  const t = RUN_TRANSITIONS[transition];
  return (t.from as readonly RunStatus[]).includes(status) ? t.to : null;
}
