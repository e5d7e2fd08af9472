import { env } from "@/lib/config/env";
import { db } from "@/lib/db/prisma";

/**
 * Sign-in throttling kept in PostgreSQL, so it holds across several app servers: after too many
 * failures in the window, for one account or from one address, further attempts are refused
 * until the oldest failure leaves the window.
 */
export interface ThrottleVerdict {
  allowed: boolean;
  retryAfterMinutes: number;
}

export async function checkLoginThrottle(email: string, ip: string, now = new Date()): Promise<ThrottleVerdict> {
  const e = env();
  const since = new Date(now.getTime() - e.MEDPREF_LOGIN_WINDOW_MINUTES * 60_000);
  const [byAccount, byIp] = await Promise.all([
    db().loginAttempt.findMany({ where: { email, success: false, createdAt: { gt: since } }, orderBy: { createdAt: "desc" }, take: e.MEDPREF_LOGIN_MAX_FAILURES_PER_ACCOUNT, select: { createdAt: true } }),
    db().loginAttempt.findMany({ where: { ip, success: false, createdAt: { gt: since } }, orderBy: { createdAt: "desc" }, take: e.MEDPREF_LOGIN_MAX_FAILURES_PER_IP, select: { createdAt: true } }),
  ]);
  const blockedUntil = [
    byAccount.length >= e.MEDPREF_LOGIN_MAX_FAILURES_PER_ACCOUNT ? byAccount.at(-1)!.createdAt : null,
    byIp.length >= e.MEDPREF_LOGIN_MAX_FAILURES_PER_IP ? byIp.at(-1)!.createdAt : null,
  ]
    .filter((d): d is Date => d !== null)
    .map((d) => d.getTime() + e.MEDPREF_LOGIN_WINDOW_MINUTES * 60_000);
  if (blockedUntil.length === 0) return { allowed: true, retryAfterMinutes: 0 };
  return { allowed: false, retryAfterMinutes: Math.max(1, Math.ceil((Math.max(...blockedUntil) - now.getTime()) / 60_000)) };
}

export async function recordLoginAttempt(email: string, ip: string, success: boolean): Promise<void> {
  await db().loginAttempt.create({ data: { email, ip, success } });
}

/** Old attempts only matter inside the window; the worker deletes the rest. */
export async function purgeOldLoginAttempts(olderThanDays = 30): Promise<number> {
  const result = await db().loginAttempt.deleteMany({ where: { createdAt: { lt: new Date(Date.now() - olderThanDays * 86_400_000) } } });
  return result.count;
}
