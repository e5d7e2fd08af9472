"use server";

import { action } from "@/lib/actions/action";
import { endUserSessions } from "@/lib/users/manage-users";

/** "Sign out everywhere" for the signed-in user, whatever their role: ends all their sessions. */
export async function signOutEverywhereAction() {
  return action({ roles: [] }, async ({ user }) => {
    const { sessionsEnded } = await endUserSessions(user.id, user.id);
    return { message: `Signed out of ${sessionsEnded} session${sessionsEnded === 1 ? "" : "s"}.` };
  });
}
