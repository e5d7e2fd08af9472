import "server-only";
import type { Role, Theme } from "@/generated/prisma/client";
import { env } from "@/lib/config/env";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, sql } from "@/lib/db/sql";

/**
 * Server-side sessions. The session cookie (a next-auth JWT) carries the user id and the id of a
 * `user_sessions` row; a session is valid while that row exists, was used within the idle timeout
 * and is younger than the absolute lifetime. Deleting rows ends sessions: one on sign-out, all of
 * a user's on a password reset, a role change, a deactivation or "sign out everywhere".
 */
export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
  specialties: string[];
}

/** last_seen_at is written at most this often per session: one write a minute, not one per request. */
const TOUCH_AFTER_SECONDS = 60;

export async function startSession(userId: string): Promise<string> {
  const row = await queryOne<{ id: string }>(pool(), sql`INSERT INTO user_sessions (user_id) VALUES (${userId}) RETURNING id`);
  return row!.id;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function endSession(sessionId: string): Promise<void> {
  if (!UUID.test(sessionId)) return;
  await execute(pool(), sql`DELETE FROM user_sessions WHERE id = ${sessionId}`);
}

/** The active user of a live session, or null (ended, idle too long, too old, user deactivated). */
export async function sessionUser(userId: string, sessionId: string): Promise<(SessionUser & { theme: Theme | null }) | null> {
  const e = env();
  // Every request passes here: one indexed lookup, without the ORM's overhead.
  const row = await queryOne<SessionUser & { theme: Theme | null; stale: boolean }>(
    pool(),
    sql`SELECT u.id, u.email, u.name, u.role, u.specialties, u.theme, s.last_seen_at < now() - make_interval(secs => ${TOUCH_AFTER_SECONDS}) AS stale
       FROM user_sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id = ${sessionId} AND s.user_id = ${userId} AND u.active AND NOT u.is_external
        AND s.last_seen_at > now() - make_interval(mins => ${e.MEDPREF_SESSION_IDLE_MINUTES})
        AND s.created_at > now() - make_interval(hours => ${e.MEDPREF_SESSION_MAX_HOURS})`,
  );
  if (!row) return null;
  if (row.stale) await execute(pool(), sql`UPDATE user_sessions SET last_seen_at = now() WHERE id = ${sessionId}`);
  const { stale: _stale, ...user } = row;
  return user;
}

/** Sessions that can no longer be used (for the maintenance job). */
export async function deleteExpiredSessions(): Promise<number> {
  const e = env();
  return execute(
    pool(),
    sql`DELETE FROM user_sessions
         WHERE last_seen_at < now() - make_interval(mins => ${e.MEDPREF_SESSION_IDLE_MINUTES})
            OR created_at < now() - make_interval(hours => ${e.MEDPREF_SESSION_MAX_HOURS})`,
  );
}
