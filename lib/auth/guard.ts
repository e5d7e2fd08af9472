import "server-only";
import { cookies } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import type { Role, Theme } from "@/generated/prisma/client";
import { userForBearerToken, type ApiTokenScope } from "@/lib/auth/api-tokens";
import { sessionCookieName, sessionSecret } from "@/lib/auth/auth-options";
import { decodeSessionToken } from "@/lib/auth/session-token";
import { sessionUser, type SessionUser } from "@/lib/auth/sessions";
import { errorJson } from "@/lib/errors/app-error";

/**
 * The one authorization check. Pages, server actions and route handlers call it first:
 * links hidden in the UI are a convenience, this is the rule.
 */
export type { SessionUser };

/** The user behind a browser session, with their display preference (API tokens have none). */
export interface SignedInUser extends SessionUser {
  /** Their saved colour theme; null until they pick one. */
  theme: Theme | null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * The signed-in, active user of a live server-side session, read from the database on every
 * request: a deactivation, a sign-out or an ended session stops it at once. Cached per server
 * render: the root layout (for the theme), the app layout and the page all ask.
 */
export const currentUser = cache(async (): Promise<SignedInUser | null> => {
  const { id, sid } = (await sessionClaims()) ?? {};
  if (typeof id !== "string" || typeof sid !== "string" || !UUID.test(id) || !UUID.test(sid)) return null;
  return sessionUser(id, sid);
});

/**
 * The user id and session id in the session cookie: decrypted and checked (signature, expiry) as
 * next-auth does. Read directly rather than through getServerSession, which on every request
 * also rebuilt next-auth's options, made a CSRF token, ran the callbacks and encrypted a fresh
 * token for a cookie that a page or route handler cannot set (bench:annotate).
 */
async function sessionClaims(): Promise<{ id: unknown; sid: unknown } | null> {
  const token = (await cookies()).get(sessionCookieName())?.value;
  if (!token) return null;
  try {
    const claims = await decodeSessionToken({ token, secret: sessionSecret() });
    return claims ? { id: claims.sub, sid: claims.sid } : null;
  } catch {
    // A token that does not decrypt or has expired is no session (next-auth says the same).
    return null;
  }
}

/** For pages and server actions: signs out visitors to the login page, answers 403 to wrong roles. */
export async function requireRole(...roles: Role[]): Promise<SignedInUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (roles.length > 0 && !roles.includes(user.role)) forbidden();
  return user;
}

const wrongRole = (roles: readonly Role[]) =>
  errorJson("FORBIDDEN", `This needs the ${roles.map((r) => r.toLowerCase()).join(" or ")} role.`);

export type ApiAuth = { ok: true; user: SessionUser } | { ok: false; response: Response };

/**
 * For route handlers (through lib/http/route): 401 without a session, 403 for a role that may not
 * call the route. With `tokenScope`, an `Authorization: Bearer` API token with that scope is
 * taken instead of the session (its owner's role must still fit); without one, the header is ignored.
 */
export async function authorizeApi(request: Request, roles: readonly Role[], tokenScope?: ApiTokenScope): Promise<ApiAuth> {
  const header = tokenScope ? request.headers.get("authorization") : null;
  let user: SessionUser | null;
  if (header) {
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match) return { ok: false, response: errorJson("UNAUTHENTICATED", 'Send the token as "Authorization: Bearer <token>".') };
    const check = await userForBearerToken(match[1]!, tokenScope!);
    if (!check.ok) return { ok: false, response: errorJson(check.forbidden ? "FORBIDDEN" : "UNAUTHENTICATED", check.reason) };
    user = check.user;
  } else {
    user = await currentUser();
    if (!user) return { ok: false, response: errorJson("UNAUTHENTICATED", "Sign in first.") };
  }
  if (roles.length > 0 && !roles.includes(user.role)) return { ok: false, response: wrongRole(roles) };
  return { ok: true, user };
}
