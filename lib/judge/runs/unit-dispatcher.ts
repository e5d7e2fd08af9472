import type PgBoss from "pg-boss";
import type { JobQueue } from "@/lib/jobs/define-job";
import { coalesce } from "@/lib/judge/runs/coalesce";
import { logger } from "@/lib/logger";

/**
 * Runs jobs of one queue with up to `concurrency` in flight, fetching as many as there is room for
 * in one query (pg-boss's `work` runs one fetch per job and per loop, which costs more than the
 * judge call's own bookkeeping at 64 calls in flight). Each job completes or fails on its own as
 * soon as it ends: a slow call never holds back the others.
 */
export function dispatchJobs<T extends object>(
  boss: PgBoss,
  definition: JobQueue<T>,
  concurrency: number,
  handle: (data: T, job: PgBoss.JobWithMetadata<unknown>) => Promise<void>,
  options: { idleMs?: number } = {},
): { stop: () => Promise<void> } {
  const queue = definition.name;
  // Jobs ending together are completed in one statement (pg-boss takes a list of ids).
  const complete = coalesce(
    async (ids: string[]) => {
      await boss.complete(queue, ids);
      return ids;
    },
    { lingerMs: 10, maxItems: 500 },
  );
  let inFlight = 0;
  let stopping = false;
  const waker: { wake: (() => void) | null } = { wake: null };
  const running = new Set<Promise<void>>();
  const nap = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        waker.wake = null;
        resolve();
      }, ms);
      waker.wake = () => {
        clearTimeout(timer);
        waker.wake = null;
        resolve();
      };
    });

  const loop = (async () => {
    while (!stopping) {
      const room = concurrency - inFlight;
      if (room <= 0) {
        await nap(1000);
        continue;
      }
      let jobs: PgBoss.JobWithMetadata<unknown>[] = [];
      try {
        jobs = await boss.fetch<unknown>(queue, { batchSize: room, includeMetadata: true });
      } catch (e) {
        logger.warn({ err: e, queue }, "fetching jobs failed");
      }
      for (const job of jobs) {
        inFlight++;
        const run = async () => {
          try {
            // The payload is checked here: a malformed job fails like any other error.
            await handle(definition.parse(job.data), job);
            await complete(job.id);
          } catch (error) {
            await boss
              .fail(queue, job.id, { message: error instanceof Error ? error.message : String(error) })
              .catch((e) => logger.warn({ err: e }, "failing a job failed"));
          }
        };
        const p: Promise<void> = run().finally(() => {
          inFlight--;
          running.delete(p);
          waker.wake?.();
        });
        running.add(p);
      }
      // Nothing to do: poll again after a while; a finished job wakes the loop at once.
      if (jobs.length === 0) await nap(options.idleMs ?? 500);
    }
  })();

  return {
    stop: async () => {
      stopping = true;
      waker.wake?.();
      await loop;
      await Promise.allSettled([...running]);
    },
  };
}
