import fs from "node:fs";
import type pg from "pg";

/** Linux accounts CPU in ticks of 1/100 s (USER_HZ). */
const TICK_MS = 10;

/** Fields of /proc/<pid>/stat after the command name (index 1 = ppid, 11/12 = utime/stime, 13/14 = reaped children's), or null once it ended. */
function statFields(pid: number): string[] | null {
  try {
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
  } catch {
    return null;
  }
}

const ticks = (fields: string[], indexes: number[]) => indexes.reduce((n, i) => n + Number(fields[i]), 0);

/** CPU milliseconds a process has used so far (0 once it ended). */
export function processCpuMs(pid: number): number {
  const fields = statFields(pid);
  return fields ? ticks(fields, [11, 12]) * TICK_MS : 0;
}

/** The postmaster of the PostgreSQL the pool talks to (other PostgreSQL servers may run on the machine). */
export async function postmasterPidOf(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  return Number(statFields(rows[0]!.pid)?.[1] ?? NaN);
}

/**
 * CPU milliseconds of one PostgreSQL server so far: its postmaster with the backends it has reaped,
 * plus its live backends. NaN for a server on another machine.
 */
export function postgresCpuMs(postmasterPid: number): number {
  const own = statFields(postmasterPid);
  if (!own) return NaN;
  let ms = ticks(own, [11, 12, 13, 14]) * TICK_MS;
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const fields = statFields(Number(entry));
    if (fields?.[1] === String(postmasterPid)) ms += ticks(fields, [11, 12]) * TICK_MS;
  }
  return ms;
}

/** CPU milliseconds a process has used so far in user and in kernel mode (zeros once it ended). */
export function processCpuSplitMs(pid: number): { user: number; system: number } {
  const fields = statFields(pid);
  return fields ? { user: ticks(fields, [11]) * TICK_MS, system: ticks(fields, [12]) * TICK_MS } : { user: 0, system: 0 };
}
