"use server";

import { actionResult } from "@/lib/actions/action-result";
import { requireRole } from "@/lib/auth/guard";
import { endUserSessions } from "@/lib/users/manage-users";

/** "Sign out everywhere" for the signed-in user, whatever their role: ends all their sessions. */
export async function signOutEverywhereAction() {
  const user = await requireRole();
  return actionResult(async () => {
    const { sessionsEnded } = await endUserSessions(user.id, user.id);
    return { message: `Signed out of ${sessionsEnded} session${sessionsEnded === 1 ? "" : "s"}.` };
  });
}
