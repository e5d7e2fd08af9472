import { describe, expect, it } from "vitest";
import { runPace } from "@/lib/judge/runs/run-pace";

describe("a run's pace", () => {
  it("is measured over the time the run actually ran: 20 calls in 3 s are 400 a minute", () => {
    expect(runPace({ calls: 20, units: 10, windowSeconds: 3, pendingUnits: 0, running: false })).toEqual({
      callsPerMinute: 400,
      unitsPerMinute: 200,
      etaMinutes: null,
    });
  });

  it("uses at most the last 5 minutes", () => {
    expect(runPace({ calls: 600, units: 300, windowSeconds: 300, pendingUnits: 120, running: true })).toEqual({
      callsPerMinute: 120,
      unitsPerMinute: 60,
      etaMinutes: 2,
    });
  });

  it("gives the ETA from the recent pace: 8 units done in the first 4 s, 32 left, about 16 s more", () => {
    const { etaMinutes } = runPace({ calls: 8, units: 8, windowSeconds: 4, pendingUnits: 32, running: true });
    expect(etaMinutes! * 60).toBeCloseTo(16, 9);
  });

  it("gives no ETA before a unit finished, once the run stopped, or with nothing left", () => {
    expect(runPace({ calls: 3, units: 0, windowSeconds: 10, pendingUnits: 40, running: true }).etaMinutes).toBeNull();
    expect(runPace({ calls: 3, units: 3, windowSeconds: 10, pendingUnits: 40, running: false }).etaMinutes).toBeNull();
    expect(runPace({ calls: 3, units: 3, windowSeconds: 10, pendingUnits: 0, running: true }).etaMinutes).toBeNull();
  });

  it("counts a window under a second as one second", () => {
    expect(runPace({ calls: 2, units: 1, windowSeconds: 0.2, pendingUnits: 0, running: false }).callsPerMinute).toBe(120);
  });
});
