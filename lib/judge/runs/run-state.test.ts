import { describe, expect, it } from "vitest";
import type { RunStatus } from "@/generated/prisma/enums";
import { nextRunStatus, RUN_STATUSES, RUN_TRANSITIONS, type RunTransition } from "@/lib/judge/runs/run-state";

/** The whole table, written out: for each transition, where it leads from each status (null: refused). */
const SPEC: Record<RunTransition, Record<RunStatus, RunStatus | null>> = {
  start: { QUEUED: "RUNNING", RUNNING: null, PAUSED: "RUNNING", COMPLETED: null, FAILED: null, CANCELLED: null },
  pickUp: { QUEUED: "RUNNING", RUNNING: null, PAUSED: null, COMPLETED: null, FAILED: null, CANCELLED: null },
  pause: { QUEUED: "PAUSED", RUNNING: "PAUSED", PAUSED: null, COMPLETED: null, FAILED: null, CANCELLED: null },
  budgetPause: { QUEUED: "PAUSED", RUNNING: "PAUSED", PAUSED: null, COMPLETED: null, FAILED: null, CANCELLED: null },
  resume: { QUEUED: null, RUNNING: null, PAUSED: "RUNNING", COMPLETED: "RUNNING", FAILED: "RUNNING", CANCELLED: null },
  cancel: { QUEUED: "CANCELLED", RUNNING: "CANCELLED", PAUSED: "CANCELLED", COMPLETED: null, FAILED: null, CANCELLED: null },
  complete: { QUEUED: null, RUNNING: "COMPLETED", PAUSED: null, COMPLETED: null, FAILED: null, CANCELLED: null },
  fail: { QUEUED: null, RUNNING: "FAILED", PAUSED: null, COMPLETED: null, FAILED: null, CANCELLED: null },
};

describe("run state transitions", () => {
  it("has exactly the seven transitions of a run plus a worker's pick-up", () => {
    expect(Object.keys(RUN_TRANSITIONS).sort()).toEqual([
      "budgetPause",
      "cancel",
      "complete",
      "fail",
      "pause",
      "pickUp",
      "resume",
      "start",
    ]);
  });

  for (const transition of Object.keys(SPEC) as RunTransition[])
    for (const status of RUN_STATUSES) {
      const expected = SPEC[transition][status];
      it(`${transition} from ${status}: ${expected ?? "refused"}`, () => {
        expect(nextRunStatus(status, transition)).toBe(expected);
      });
    }

  it("never leads back to QUEUED, and nothing leaves CANCELLED", () => {
    for (const t of Object.values(RUN_TRANSITIONS)) {
      expect(t.to).not.toBe("QUEUED");
      expect(t.from).not.toContain("CANCELLED");
    }
  });
});
