/**
 * A run's pace and ETA over the window it actually covers: the last 5 minutes, or less when the
 * run started (or ran) for less. 20 calls in a run 3 s old are 400 calls a minute, not 20 / 5.
 */
export const PACE_WINDOW_SECONDS = 300;

export interface PaceInput {
  /** Calls recorded and units finished inside the window. */
  calls: number;
  units: number;
  /** Seconds the window spans: min(5 min, time since the run started), up to now or the run's end. */
  windowSeconds: number;
  pendingUnits: number;
  running: boolean;
}

/** Per-minute rates over the window (1 s at least, so a run a moment old does not divide by zero) and minutes left at the recent pace. */
export function runPace(p: PaceInput): { callsPerMinute: number; unitsPerMinute: number; etaMinutes: number | null } {
  const minutes = Math.max(1, Math.min(PACE_WINDOW_SECONDS, p.windowSeconds)) / 60;
  const callsPerMinute = p.calls / minutes;
  const unitsPerMinute = p.units / minutes;
  const etaMinutes = p.running && p.pendingUnits > 0 && unitsPerMinute > 0 ? p.pendingUnits / unitsPerMinute : null;
  return { callsPerMinute, unitsPerMinute, etaMinutes };
}
