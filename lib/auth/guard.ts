import "server-only";
import { getServerSession } from "next-auth";
import { forbidden, redirect } from "next/navigation";
import type { Role } from "@/generated/prisma/client";
import { authOptions } from "@/lib/auth/auth-options";
import { db } from "@/lib/db/prisma";

/**
 * The one authorization check. Pages, server actions and route handlers call it first:
 * links hidden in the UI are a convenience, this is the rule.
 */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  specialties: string[];
}

/** The signed-in, active user, read from the database (a deactivated account stops at once). */
export async function currentUser(): Promise<SessionUser | null> {
  const session = await getServerSession(authOptions());
  const id = (session?.user as { id?: string } | undefined)?.id;
  if (!id) return null;
  const user = await db().user.findUnique({ where: { id }, select: { id: true, email: true, name: true, role: true, specialties: true, active: true, isExternal: true } });
  if (!user || !user.active || user.isExternal) return null;
  const { active: _a, isExternal: _e, ...rest } = user;
  return rest;
}

/** For pages and server actions: signs out visitors to the login page, answers 403 to wrong roles. */
export async function requireRole(...roles: Role[]): Promise<SessionUser> {
  const user = await currentUser();
  if (!user) redirect("/login");
  if (roles.length > 0 && !roles.includes(user.role)) forbidden();
  return user;
}

export type ApiAuth = { ok: true; user: SessionUser } | { ok: false; response: Response };

/** For route handlers: 401 without a session, 403 for a role that may not call the route. */
export async function authorizeApi(...roles: Role[]): Promise<ApiAuth> {
  const user = await currentUser();
  if (!user) return { ok: false, response: Response.json({ error: "Sign in first." }, { status: 401 }) };
  if (roles.length > 0 && !roles.includes(user.role)) {
    return { ok: false, response: Response.json({ error: `This needs the ${roles.map((r) => r.toLowerCase()).join(" or ")} role.` }, { status: 403 }) };
  }
  return { ok: true, user };
}
