"use server";

import { revalidatePath } from "next/cache";
import { actionResult } from "@/lib/actions/action-result";
import { requireRole } from "@/lib/auth/guard";
import { changeUserRole, createUser, endUserSessions, resetUserPassword, setUserActive } from "@/lib/users/manage-users";

// Every action re-checks the admin role on the server: the buttons are only shown to admins.

export async function createUserAction(_: unknown, form: FormData) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const { user, password } = await createUser(
      {
        email: String(form.get("email") ?? ""),
        name: String(form.get("name") ?? "") || undefined,
        role: String(form.get("role") ?? ""),
        specialties: String(form.get("specialties") ?? ""),
      },
      admin.id,
    );
    revalidatePath("/admin/users");
    return { message: `Created ${user.email}. Give them this password (shown once): ${password}`, data: { password } };
  });
}

export async function changeRoleAction(userId: string, role: string) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const user = await changeUserRole(userId, role, admin.id);
    revalidatePath("/admin/users");
    return { message: `${user.email} is now ${user.role.toLowerCase()}.` };
  });
}

export async function setActiveAction(userId: string, active: boolean) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const user = await setUserActive(userId, active, admin.id);
    revalidatePath("/admin/users");
    return { message: `${user.email} ${user.active ? "reactivated" : "deactivated"}.` };
  });
}

export async function resetPasswordAction(userId: string) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const { password } = await resetUserPassword(userId, admin.id);
    return { message: `New password (shown once): ${password}. Their sessions have ended.` };
  });
}

export async function endSessionsAction(userId: string) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const { email, sessionsEnded } = await endUserSessions(userId, admin.id);
    return { message: `${email} is signed out everywhere (${sessionsEnded} session${sessionsEnded === 1 ? "" : "s"} ended).` };
  });
}
