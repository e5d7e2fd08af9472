import type PgBoss from "pg-boss";
import type { z } from "zod";

export type JobOptions = Pick<PgBoss.SendOptions, "retryLimit" | "retryDelay" | "retryBackoff" | "expireInSeconds">;

/** A job's definition: its queue, the shape of its payload, how it is retried, and its cron if scheduled. */
export interface JobDefinition<T extends object> {
  name: string;
  payload: z.ZodType<T>;
  /** What every job of this queue gets: retries, backoff, expiry (per-send options go to `send`). */
  options: JobOptions;
  /** A cron expression: pg-boss sends one job per tick across all workers. */
  schedule?: string;
}

/** Thrown when a payload does not match its job's schema: names the job and the field. */
export class JobPayloadError extends Error {}

export interface JobQueue<T extends object> extends Readonly<JobDefinition<T>> {
  /** The payload checked against the schema (what a sender or a stored job holds). */
  parse(data: unknown): T;
  /** Creates the queue (once per pg-boss instance) and, for a scheduled job, its schedule. */
  ensure(boss: PgBoss): Promise<void>;
  send(boss: PgBoss, data: T, options?: PgBoss.SendOptions): Promise<string | null>;
  /** Many jobs in one statement, each with its own id (enqueuing an id twice adds nothing). */
  insert(boss: PgBoss, jobs: { id: string; data: T }[]): Promise<void>;
  /** Runs one job at a time from this queue, its payload checked before `handle` sees it. */
  work(boss: PgBoss, handle: (data: T, job: PgBoss.Job<unknown>) => Promise<void>, options?: PgBoss.WorkOptions): Promise<string>;
}

/** Deadlocked attempts at creating a queue tried again before giving up. */
const QUEUE_CREATION_ATTEMPTS = 5;

/**
 * Runs a queue's creation again when PostgreSQL picked it as a deadlock's victim: two workers
 * starting at once on a new database both create every queue (pg-boss inserts the queue row and its
 * partition in one function), and one of them is rolled back. Its retry finds the queue made.
 */
async function retryingDeadlocks(step: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await step();
      return;
    } catch (error) {
      if (attempt >= QUEUE_CREATION_ATTEMPTS || (error as { code?: unknown }).code !== "40P01") throw error;
    }
  }
}

/** Queues already created, per pg-boss instance (a stopped queue's instance is dropped with it). */
const created = new WeakMap<PgBoss, Map<string, Promise<void>>>();

/**
 * Defines a job. Every queue of MedPref is one of these (lib/jobs/jobs.ts lists them): its name,
 * options and payload schema live in one place, payloads are checked when sent and again when
 * received (a job stored by an older version, or written by hand, is refused naming the field).
 */
export function defineJob<T extends object>(definition: JobDefinition<T>): JobQueue<T> {
  const parse = (data: unknown): T => {
    const parsed = definition.payload.safeParse(data);
    if (parsed.success) return parsed.data;
    const issue = parsed.error.issues[0]!;
    throw new JobPayloadError(
      `The payload of a "${definition.name}" job is invalid: ${issue.path.join(".") || "payload"}: ${issue.message}`,
    );
  };
  const ensure = (boss: PgBoss): Promise<void> => {
    let queues = created.get(boss);
    if (!queues) created.set(boss, (queues = new Map()));
    let done = queues.get(definition.name);
    if (!done) {
      done = (async () => {
        await retryingDeadlocks(() => boss.createQueue(definition.name));
        const schedule = definition.schedule;
        if (schedule) await retryingDeadlocks(() => boss.schedule(definition.name, schedule));
      })();
      // A failed creation is tried again by the next caller.
      done.catch(() => queues.delete(definition.name));
      queues.set(definition.name, done);
    }
    return done;
  };
  return {
    ...definition,
    parse,
    ensure,
    async send(boss, data, options) {
      const payload = parse(data);
      await ensure(boss);
      return boss.send(definition.name, payload, { ...definition.options, ...options });
    },
    async insert(boss, jobs) {
      const rows = jobs.map((j) => ({ id: j.id, name: definition.name, data: parse(j.data), ...definition.options }));
      await ensure(boss);
      await boss.insert(rows);
    },
    async work(boss, handle, options = {}) {
      await ensure(boss);
      return boss.work<unknown>(definition.name, { batchSize: 1, ...options }, async ([job]) => {
        if (job) await handle(parse(job.data), job);
      });
    },
  };
}
