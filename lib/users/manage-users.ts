import "server-only";
import { randomBytes } from "node:crypto";
import { writeAudit } from "@/lib/audit/audit-entry";
import { generatePassword, hashPassword } from "@/lib/auth/password";
import type { Role } from "@/generated/prisma/client";
import { db } from "@/lib/db/prisma";
import { withTransaction } from "@/lib/db/transaction";
import { AppError, isUniqueViolation } from "@/lib/errors/app-error";
import { createUserInput, passwordSchema, roleSchema, type CreateUserInput } from "@/lib/users/schema";

/** What the rest of the app may see of a user (never the hash). */
export const publicUserFields = {
  id: true,
  email: true,
  name: true,
  role: true,
  specialties: true,
  active: true,
  isExternal: true,
  pseudonym: true,
  lastLoginAt: true,
  createdAt: true,
} as const;

export function newPseudonym(): string {
  return `rater-${randomBytes(4).toString("hex")}`;
}

/**
 * Creates a user. Without a password, one is generated and returned once (to print or show);
 * only its argon2id hash is stored.
 */
export async function createUser(input: CreateUserInput, actorId: string | null) {
  const data = createUserInput.parse(input);
  const password = data.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  try {
    const user = await withTransaction(
      async (tx) => {
        const created = await tx.user.create({
          data: {
            email: data.email,
            name: data.name || data.email.split("@")[0]!,
            role: data.role,
            specialties: data.specialties,
            passwordHash,
            pseudonym: newPseudonym(),
          },
          select: publicUserFields,
        });
        await writeAudit(tx, {
          actorId,
          action: "user.create",
          entityType: "user",
          entityId: created.id,
          after: { email: created.email, name: created.name, role: created.role, specialties: created.specialties },
        });
        return created;
      },
      { via: "prisma" },
    );
    return { user, password: data.password ? null : password };
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", `A user with the email ${data.email} already exists.`, "email");
    throw e;
  }
}

/**
 * Changes a user and records it in the audit log, in one transaction. `endSessions` signs the user
 * out everywhere in that transaction (a password reset, a role change, a deactivation).
 */
async function updateUser(
  userId: string,
  actorId: string | null,
  action: string,
  change: (before: { role: Role; active: boolean }) => {
    data: Parameters<ReturnType<typeof db>["user"]["update"]>[0]["data"];
    after: Record<string, unknown>;
    endSessions?: boolean;
  },
) {
  return withTransaction(
    async (tx) => {
      const before = await tx.user.findUnique({ where: { id: userId }, select: { ...publicUserFields } });
      if (!before) throw new AppError("NOT_FOUND", "No such user.");
      if (before.isExternal) throw new AppError("CONFLICT", "External raters cannot sign in; their accounts cannot be changed.");
      const { data, after, endSessions } = change(before);
      const updated = await tx.user.update({ where: { id: userId }, data, select: publicUserFields });
      if (endSessions) await tx.userSession.deleteMany({ where: { userId } });
      const beforeFields = Object.fromEntries(Object.keys(after).map((k) => [k, (before as Record<string, unknown>)[k]]));
      await writeAudit(tx, { actorId, action, entityType: "user", entityId: userId, before: beforeFields, after });
      return updated;
    },
    { via: "prisma" },
  );
}

/** An admin cannot demote or deactivate themself: the last admin would lock everyone out. */
function refuseSelf(userId: string, actorId: string | null, what: string) {
  if (userId === actorId) throw new AppError("CONFLICT", `You cannot ${what} your own account; ask another admin.`);
}

export async function changeUserRole(userId: string, role: string, actorId: string | null) {
  const parsed = roleSchema.parse(role);
  refuseSelf(userId, actorId, "change the role of");
  return updateUser(userId, actorId, "user.role", () => ({ data: { role: parsed }, after: { role: parsed }, endSessions: true }));
}

export async function setUserActive(userId: string, active: boolean, actorId: string | null) {
  if (!active) refuseSelf(userId, actorId, "deactivate");
  return updateUser(userId, actorId, active ? "user.activate" : "user.deactivate", () => ({
    data: { active },
    after: { active },
    endSessions: !active,
  }));
}

export async function resetUserPassword(userId: string, actorId: string | null, newPassword?: string) {
  const password = newPassword === undefined ? generatePassword() : passwordSchema.parse(newPassword);
  const passwordHash = await hashPassword(password);
  await updateUser(userId, actorId, "user.password-reset", () => ({
    data: { passwordHash },
    after: { passwordReset: true },
    endSessions: true,
  }));
  return { password: newPassword === undefined ? password : null };
}

/** "Sign out everywhere": ends every session of the user (their own, or any user's by an admin). */
export async function endUserSessions(userId: string, actorId: string | null) {
  return withTransaction(
    async (tx) => {
      const user = await tx.user.findUnique({ where: { id: userId }, select: { email: true } });
      if (!user) throw new AppError("NOT_FOUND", "No such user.");
      const { count } = await tx.userSession.deleteMany({ where: { userId } });
      await writeAudit(tx, {
        actorId,
        action: "user.sign-out-everywhere",
        entityType: "user",
        entityId: userId,
        after: { sessionsEnded: count },
      });
      return { email: user.email, sessionsEnded: count };
    },
    { via: "prisma" },
  );
}

export async function listUsers() {
  return db().user.findMany({ orderBy: [{ isExternal: "asc" }, { createdAt: "asc" }], select: publicUserFields });
}

export async function listActiveClinicians() {
  return db().user.findMany({
    where: { role: "CLINICIAN", active: true, isExternal: false },
    orderBy: { name: "asc" },
    select: { id: true, name: true, email: true },
  });
}
