import "server-only";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/prisma";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";

/**
 * Sign-in throttling kept in PostgreSQL, so it holds across several app servers: after too many
 * failures in the window, for one account or from one address, further attempts are refused
 * until the oldest failure leaves the window.
 *
 * An attempt is reserved before its password is checked: under advisory locks on the account and
 * the address, the recent failures are counted and, if the limits allow, the attempt is inserted
 * as a failure. The check then runs outside any transaction and a right password turns the row
 * into a success. So parallel attempts can never check more passwords than the limits allow.
 */
export type LoginReservation = { allowed: true; attemptId: bigint } | { allowed: false; retryAfterMinutes: number };

export async function reserveLoginAttempt(email: string, ip: string): Promise<LoginReservation> {
  const e = env();
  return withTransaction(async (tx) => {
    // Both locks, always in the same order, so two attempts never wait on each other in a cycle.
    const keys = [`login-account:${email}`, `login-address:${ip}`].sort();
    for (const key of keys) await execute(tx, sql`SELECT pg_advisory_xact_lock(hashtextextended(${key}, 0))`);
    // The failure that, once it leaves the window, lets the next attempt through (null: none blocks).
    const windowMinutes = e.MEDPREF_LOGIN_WINDOW_MINUTES;
    const blocking = await queryOne<{ retryAfterMinutes: number | null }>(
      tx,
      sql`WITH w AS (SELECT clock_timestamp() - make_interval(mins => ${windowMinutes}::int) AS since),
            oldest AS (
              SELECT (SELECT created_at FROM login_attempts, w WHERE email = ${email} AND NOT success AND created_at > w.since
                        ORDER BY created_at DESC OFFSET ${e.MEDPREF_LOGIN_MAX_FAILURES_PER_ACCOUNT}::int - 1 LIMIT 1) AS at
              UNION ALL
              SELECT (SELECT created_at FROM login_attempts, w WHERE ip = ${ip} AND NOT success AND created_at > w.since
                        ORDER BY created_at DESC OFFSET ${e.MEDPREF_LOGIN_MAX_FAILURES_PER_IP}::int - 1 LIMIT 1))
       SELECT ceil(extract(epoch FROM max(at) + make_interval(mins => ${windowMinutes}::int) - clock_timestamp()) / 60)::int AS retry_after_minutes FROM oldest`,
    );
    const retryAfter = blocking?.retryAfterMinutes;
    if (retryAfter !== null && retryAfter !== undefined) return { allowed: false, retryAfterMinutes: Math.max(1, retryAfter) };
    const inserted = await queryOne<{ id: string }>(
      tx,
      sql`INSERT INTO login_attempts (email, ip, success, created_at) VALUES (${email}, ${ip}, false, clock_timestamp()) RETURNING id`,
    );
    return { allowed: true, attemptId: BigInt(inserted!.id) };
  });
}

/** The reserved attempt's password was right. */
export async function markLoginAttemptSucceeded(attemptId: bigint): Promise<void> {
  await db().loginAttempt.update({ where: { id: attemptId }, data: { success: true } });
}

export async function recordLoginAttempt(email: string, ip: string, success: boolean): Promise<void> {
  await db().loginAttempt.create({ data: { email, ip, success } });
}

/** Old attempts only matter inside the window; the worker deletes the rest. */
export async function purgeOldLoginAttempts(olderThanDays = 30): Promise<number> {
  const result = await db().loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - olderThanDays * 86_400_000) } } });
  return result.count;
}
