/**
 * How the dashboard labels a stored report: its age, and what the background refresh is doing.
 * Pure (no clock): the caller passes "now" from the same database read as the report.
 */
export type RefreshPhaseName = "queued" | "checking" | "loading" | "computing" | "storing";

/** "just now", "1 min ago", "3 min ago", "2 h ago", "3 days ago". */
export function ageText(at: Date, now: Date): string {
  const seconds = Math.max(0, (now.getTime() - at.getTime()) / 1000);
  if (seconds < 45) return "just now";
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.round(hours / 24)} days ago`;
}

/** What the refresh is doing, said after the age; null when none runs. */
export function refreshText(phase: RefreshPhaseName | null): string | null {
  if (phase === null) return null;
  return phase === "queued" || phase === "checking" ? "checking for new rankings…" : "refreshing…";
}

/** "computed 3 min ago; refreshing…" (the dashboard's header). */
export function reportAgeLabel(computedAt: Date, now: Date, phase: RefreshPhaseName | null): string {
  const refresh = refreshText(phase);
  return `computed ${ageText(computedAt, now)}${refresh ? `; ${refresh}` : ""}`;
}

const STEP_TEXT: Record<RefreshPhaseName, string> = {
  queued: "Waiting for a worker",
  checking: "Checking what changed",
  loading: "Loading rankings",
  computing: "Computing figures and intervals",
  storing: "Storing the report",
};

/** The first computation's progress: step k of 5 and what it is doing. */
export function refreshStep(phase: RefreshPhaseName): { step: number; steps: number; text: string } {
  const order: RefreshPhaseName[] = ["queued", "checking", "loading", "computing", "storing"];
  return { step: order.indexOf(phase) + 1, steps: order.length, text: STEP_TEXT[phase] };
}
