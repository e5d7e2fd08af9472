import "server-only";
import pg from "pg";
import { databaseUrl, pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import { coalesce } from "@/lib/judge/runs/coalesce";

/**
 * Concurrency slots of a run and liveness of the jobs holding them, as Postgres session advisory
 * locks. One dedicated connection per process holds all of this process's locks, so 64 calls in
 * flight do not need 64 connections, and a worker that dies (even by kill -9) loses its
 * connection and with it every lock: its slots free up at once and its jobs can be recognised as
 * orphans.
 */
let holder: Promise<pg.Client> | null = null;
/** Slots this process holds, by run: advisory locks are re-entrant within a session, so track them here. */
const heldSlots = new Map<string, Set<number>>();

function lockHolder(): Promise<pg.Client> {
  holder ??= (async () => {
    const client = new pg.Client({ connectionString: databaseUrl(), application_name: "medpref-run-slots" });
    client.on("error", () => {
      // The locks died with the session; take a new connection next time.
      holder = null;
      heldSlots.clear();
    });
    await client.connect();
    return client;
  })().catch((e) => {
    holder = null;
    throw e;
  });
  return holder;
}

/** Runs `fn` on the lock connection, one query at a time (a pg client must not be used concurrently). */
let turn: Promise<unknown> = Promise.resolve();
function onHolder<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const next = turn.then(async () => fn(await lockHolder()));
  turn = next.catch(() => undefined);
  return next;
}

const jobKey = (jobId: string) => `judge-job:${jobId}`;
const slotKey = (runId: string, slot: number) => `judge-run:${runId}:${slot}`;

interface TakeRequest {
  runId: string;
  slots: number;
  /** The queue job's liveness lock, taken in the same round trip (first attempt only). */
  jobLock: string | null;
}

/**
 * Takes slots by group commit: the units of a run asking within a couple of milliseconds (a
 * fetched batch of jobs asks together) share one statement that takes as many free slots as they
 * ask for, and their job locks, instead of one round trip each on the single lock connection
 * (256 of them in a row held every slot of a cohort back by seconds). Which slots this process
 * holds is read and updated in the holder's turn: two takers in one process must not both "take"
 * a slot the session already holds (advisory locks re-enter). Each request gets a slot, or
 * undefined when none was free for it.
 */
const takeSlots = coalesce(
  (requests: TakeRequest[]): Promise<(number | undefined)[]> =>
    onHolder(async (client) => {
      const taken: (number | undefined)[] = requests.map(() => undefined);
      const byRun = new Map<string, number[]>();
      requests.forEach((r, i) => {
        const key = `${r.runId}:${r.slots}`;
        const indexes = byRun.get(key);
        if (indexes) indexes.push(i);
        else byRun.set(key, [i]);
      });
      for (const indexes of byRun.values()) {
        const { runId, slots } = requests[indexes[0]!]!;
        const mine = [...(heldSlots.get(runId) ?? [])];
        const jobLocks = indexes.flatMap((i) => requests[i]!.jobLock ?? []);
        // pg_try_advisory_lock in the WHERE of a LIMITed scan runs only until enough slots are taken.
        const row = await queryOne<{ slots: number[] }>(
          client,
          sql`SELECT (SELECT count(*) FROM unnest(${jobLocks}::text[]) k WHERE pg_try_advisory_lock(hashtextextended(k, 0))) AS job_locks,
                     ARRAY(SELECT s FROM generate_series(0, ${slots}::int - 1) s
                            WHERE NOT (s = ANY(${mine}::int[])) AND pg_try_advisory_lock(hashtextextended(${`judge-run:${runId}`} || ':' || s, 0))
                            LIMIT ${indexes.length}::int) AS slots`,
          { name: "take-run-slots" },
        );
        let held = heldSlots.get(runId);
        if (!held) heldSlots.set(runId, (held = new Set()));
        row!.slots.forEach((slot, j) => {
          held.add(slot);
          taken[indexes[j]!] = slot;
        });
      }
      return taken;
    }),
  { lingerMs: 2, maxItems: 1024 },
);

export interface RunSlot {
  slot: number;
  /** Frees the slot and ends the job's liveness lock, in one round trip. */
  release: () => Promise<void>;
}

/**
 * Takes a free slot of the run (0 … slots-1), by any worker, or returns null when all are taken.
 * With `jobId`, also marks that queue job alive (its lock is held until `release`, or until this
 * process dies), in the same round trip.
 */
async function tryTakeRunSlot(runId: string, slots: number, jobId?: string): Promise<RunSlot | null> {
  const slot = await takeSlots({ runId, slots, jobLock: jobId ? jobKey(jobId) : null });
  if (slot === undefined) return null;
  const key = slotKey(runId, slot);
  return {
    slot,
    release: async () => {
      await releaseLocks([key, ...(jobId ? [jobKey(jobId)] : [])]).catch(() => undefined);
      const held = heldSlots.get(runId);
      held?.delete(slot);
      if (held?.size === 0) heldSlots.delete(runId);
    },
  };
}

/**
 * Ends advisory locks of this process by group commit: slots and job locks released within a few
 * milliseconds of each other go in one round trip on the lock connection.
 */
const releaseLocks = coalesce(
  async (keys: string[][]) => {
    await onHolder((client) =>
      execute(client, sql`SELECT pg_advisory_unlock(hashtextextended(k, 0)) FROM unnest(${keys.flat()}::text[]) k`, {
        name: "release-run-slots",
      }),
    );
    return keys;
  },
  { lingerMs: 5, maxItems: 256 },
);

/** Ends a job's liveness lock taken while its slot stayed busy (the slot itself was never held). */
async function releaseJobLock(jobId: string): Promise<void> {
  await releaseLocks([jobKey(jobId)]).catch(() => undefined);
}

/**
 * Waits for a free slot, polling; null after `timeoutMs` (the job is then retried later). The
 * job's liveness lock is taken with the first attempt, so a job waiting for a slot is not
 * mistaken for an orphan.
 */
export async function takeRunSlot(runId: string, slots: number, timeoutMs: number, jobId?: string): Promise<RunSlot | null> {
  const deadline = Date.now() + timeoutMs;
  let first = true;
  for (let wait = 20; ; wait = Math.min(wait * 2, 500)) {
    const slot = await tryTakeRunSlot(runId, slots, first ? jobId : undefined);
    if (slot) {
      if (!first && jobId) {
        // The job lock was taken on the first attempt: release it with the slot.
        const release = slot.release;
        return {
          slot: slot.slot,
          release: async () => {
            await release();
            await releaseJobLock(jobId);
          },
        };
      }
      return slot;
    }
    first = false;
    if (Date.now() >= deadline) {
      if (jobId) await releaseJobLock(jobId);
      return null;
    }
    await new Promise((r) => setTimeout(r, wait));
  }
}

/**
 * Active jobs of `queue` whose worker is gone: started more than `graceSeconds` ago and their job
 * lock is free (a live worker takes it right after fetching the job).
 */
export async function orphanedJobs(queue: string, graceSeconds: number): Promise<string[]> {
  const rows = await queryRows<{ id: string }>(
    pool(),
    sql`SELECT j.id FROM pgboss.job j
      WHERE j.name = ${queue} AND j.state = 'active' AND j.started_on < now() - make_interval(secs => ${graceSeconds})
        AND CASE WHEN pg_try_advisory_lock(hashtextextended('judge-job:' || j.id, 0))
                 THEN pg_advisory_unlock(hashtextextended('judge-job:' || j.id, 0)) ELSE false END`,
  );
  return rows.map((r) => r.id);
}

export async function closeRunSlots(): Promise<void> {
  const h = holder;
  holder = null;
  heldSlots.clear();
  await (await h?.catch(() => null))?.end().catch(() => undefined);
}
