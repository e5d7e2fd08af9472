import type { RecordProblem } from "@/lib/import/types";

export const PROBLEMS_SHOWN = 100;

/** Keeps the first 100 problems and counts the rest, so a bad 1 GB file cannot exhaust memory. */
export class ProblemList {
  readonly shown: RecordProblem[] = [];
  total = 0;
  rejectedRecords = 0;

  addRecord(location: string, problems: readonly { field: string; reason: string }[]): void {
    this.rejectedRecords += 1;
    for (const p of problems) {
      this.total += 1;
      if (this.shown.length < PROBLEMS_SHOWN) this.shown.push({ location, field: p.field, reason: p.reason });
    }
  }

  /** The kept problems in file order (records are checked in several passes), each record's in the order found. */
  inFileOrder(): RecordProblem[] {
    const at = (p: RecordProblem) => Number(/\d+$/.exec(p.location)?.[0] ?? 0);
    return [...this.shown].sort((a, b) => at(a) - at(b));
  }

  get notShown(): number {
    return this.total - this.shown.length;
  }
}

export function formatProblem(p: RecordProblem): string {
  return `${p.location}: ${p.field}: ${p.reason}`;
}
