import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { deleteExpiredSessions, endSession, sessionUser, startSession } from "@/lib/auth/sessions";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { changeUserRole, createUser, endUserSessions, resetUserPassword, setUserActive } from "@/lib/users/manage-users";
import { useFreshDatabase } from "../support/test-database";

let adminId: string;
beforeAll(async () => {
  await useFreshDatabase();
  adminId = (await createUser({ email: "sessions-admin@hospital.example", role: "admin" }, null)).user.id;
});

async function clinician() {
  return (await createUser({ email: `s-${randomUUID()}@hospital.example`, role: "clinician", name: "Dr. Session" }, null)).user;
}

/** Moves a session's clock back, as if its last request or its sign-in were that long ago. */
async function age(sessionId: string, column: "last_seen_at" | "created_at", interval: string) {
  await pool().query(`UPDATE user_sessions SET ${column} = now() - $2::interval WHERE id = $1`, [sessionId, interval]);
}

describe("server-side sessions", () => {
  it("answer the user while the session lives, and nothing once it is signed out", async () => {
    const user = await clinician();
    const sid = await startSession(user.id);
    expect(await sessionUser(user.id, sid)).toEqual({
      id: user.id,
      email: user.email,
      name: "Dr. Session",
      role: "CLINICIAN",
      specialties: [],
      theme: null,
    });
    expect(await sessionUser(adminId, sid)).toBeNull();
    await endSession(sid);
    expect(await sessionUser(user.id, sid)).toBeNull();
  });

  it("end after the idle timeout (60 minutes by default) and after the absolute lifetime (12 hours), and count activity", async () => {
    const user = await clinician();
    const idle = await startSession(user.id);
    await age(idle, "last_seen_at", "59 minutes");
    expect(await sessionUser(user.id, idle)).not.toBeNull();
    // That request counted as activity: the session is fresh again.
    const { rows } = await pool().query<{ idle_seconds: number }>(
      `SELECT extract(epoch FROM now() - last_seen_at)::float8 AS idle_seconds FROM user_sessions WHERE id = $1`,
      [idle],
    );
    expect(rows[0]!.idle_seconds).toBeLessThan(60);
    await age(idle, "last_seen_at", "61 minutes");
    expect(await sessionUser(user.id, idle)).toBeNull();

    const old = await startSession(user.id);
    await age(old, "created_at", "12 hours 1 minute");
    expect(await sessionUser(user.id, old)).toBeNull();
    expect(await deleteExpiredSessions()).toBeGreaterThanOrEqual(2);
    expect(await db().userSession.count({ where: { id: { in: [idle, old] } } })).toBe(0);
  });

  it("all end on a password reset, a role change, a deactivation and sign out everywhere, and only that user's", async () => {
    const user = await clinician();
    const bystander = await clinician();
    const bystanderSession = await startSession(bystander.id);
    const live = async () => db().userSession.count({ where: { userId: user.id } });

    await Promise.all([startSession(user.id), startSession(user.id)]);
    expect(await live()).toBe(2);
    await resetUserPassword(user.id, adminId);
    expect(await live()).toBe(0);

    const sid = await startSession(user.id);
    await changeUserRole(user.id, "researcher", adminId);
    expect(await sessionUser(user.id, sid)).toBeNull();

    await startSession(user.id);
    await setUserActive(user.id, false, adminId);
    expect(await live()).toBe(0);
    await setUserActive(user.id, true, adminId);

    await Promise.all([startSession(user.id), startSession(user.id), startSession(user.id)]);
    expect(await endUserSessions(user.id, user.id)).toEqual({ email: user.email, sessionsEnded: 3 });
    expect(await live()).toBe(0);
    const audit = await db().auditLog.findFirst({ where: { action: "user.sign-out-everywhere", entityId: user.id } });
    expect(audit).toMatchObject({ actorId: user.id, after: { sessionsEnded: 3 } });

    expect(await sessionUser(bystander.id, bystanderSession)).not.toBeNull();
  });
});
