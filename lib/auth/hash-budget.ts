import os from "node:os";

/**
 * A global budget of concurrent password hashes. argon2id costs ~19 MiB and tens of milliseconds
 * of CPU on libuv's small thread pool (shared with file and DNS work), so a flood of sign-ins
 * must queue here instead of starving the rest of the app: it slows sign-in, not every request.
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Tasks that have started (for tests and figures). */
  started = 0;

  constructor(readonly size: number) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.size) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.active++;
    this.started++;
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `active` never exceeds `size`.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  get queued(): number {
    return this.waiting.length;
  }
}

/** Half the cores, at least 1, at most 3 (libuv's default pool has 4 threads). */
export function hashBudgetSize(cores = os.availableParallelism()): number {
  return Math.max(1, Math.min(3, Math.floor(cores / 2)));
}

// One per process, even if a bundler loads this module more than once.
const globalForBudget = globalThis as unknown as { medprefHashBudget?: Semaphore };
export const passwordHashBudget = (globalForBudget.medprefHashBudget ??= new Semaphore(hashBudgetSize()));
