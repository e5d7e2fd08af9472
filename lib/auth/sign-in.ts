import "server-only";
import { markLoginAttemptSucceeded, reserveLoginAttempt } from "@/lib/auth/login-throttle";
import { dummyPasswordHash, verifyPassword } from "@/lib/auth/password";
import { db } from "@/lib/db/prisma";
import { emailSchema } from "@/lib/users/schema";

export type SignInResult = { ok: true; user: { id: string; email: string; name: string } } | { ok: false; message: string };

export const INVALID_CREDENTIALS = "Wrong email or password.";

/** Email + password sign-in with throttling. Messages never reveal whether an account exists. */
export async function signInWithPassword(rawEmail: unknown, password: unknown, ip: string): Promise<SignInResult> {
  const parsedEmail = emailSchema.safeParse(rawEmail);
  if (!parsedEmail.success || typeof password !== "string" || password.length === 0 || password.length > 200) {
    return { ok: false, message: INVALID_CREDENTIALS };
  }
  const email = parsedEmail.data;
  // Counted as a failure from here until the password proves right.
  const throttle = await reserveLoginAttempt(email, ip);
  if (!throttle.allowed) {
    return {
      ok: false,
      message: `Too many failed sign-in attempts. Try again in ${throttle.retryAfterMinutes} minute${throttle.retryAfterMinutes === 1 ? "" : "s"}.`,
    };
  }
  const user = await db().user.findUnique({
    where: { email },
    select: { id: true, email: true, name: true, passwordHash: true, active: true, isExternal: true },
  });
  const valid = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), password);
  if (!user || !valid || !user.passwordHash) {
    return { ok: false, message: INVALID_CREDENTIALS };
  }
  if (!user.active || user.isExternal) {
    return { ok: false, message: "This account is deactivated. Ask an admin to reactivate it." };
  }
  await markLoginAttemptSucceeded(throttle.attemptId);
  await db().user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
  return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
}
