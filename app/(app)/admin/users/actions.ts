"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { formField } from "@/lib/actions/form-data";
import { changeUserRole, createUser, endUserSessions, resetUserPassword, setUserActive } from "@/lib/users/manage-users";

// Every action re-checks the admin role on the server: the buttons are only shown to admins.

const createUserForm = z.object({
  email: formField.text(),
  name: formField.text().transform((name) => name || undefined),
  role: formField.text(),
  specialties: formField.text(),
});

export async function createUserAction(_: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: createUserForm, form }, async ({ user: admin, input }) => {
    const { user, password } = await createUser(input, admin.id);
    revalidatePath("/admin/users");
    return { message: `Created ${user.email}. Give them this password (shown once): ${password}`, data: { password } };
  });
}

export async function changeRoleAction(userId: string, role: string) {
  return action({ roles: ["ADMIN"] }, async ({ user: admin }) => {
    const user = await changeUserRole(userId, role, admin.id);
    revalidatePath("/admin/users");
    return { message: `${user.email} is now ${user.role.toLowerCase()}.` };
  });
}

export async function setActiveAction(userId: string, active: boolean) {
  return action({ roles: ["ADMIN"] }, async ({ user: admin }) => {
    const user = await setUserActive(userId, active, admin.id);
    revalidatePath("/admin/users");
    return { message: `${user.email} ${user.active ? "reactivated" : "deactivated"}.` };
  });
}

export async function resetPasswordAction(userId: string) {
  return action({ roles: ["ADMIN"] }, async ({ user: admin }) => {
    const { password } = await resetUserPassword(userId, admin.id);
    return { message: `New password (shown once): ${password}. Their sessions have ended.` };
  });
}

export async function endSessionsAction(userId: string) {
  return action({ roles: ["ADMIN"] }, async ({ user: admin }) => {
    const { email, sessionsEnded } = await endUserSessions(userId, admin.id);
    return { message: `${email} is signed out everywhere (${sessionsEnded} session${sessionsEnded === 1 ? "" : "s"} ended).` };
  });
}
