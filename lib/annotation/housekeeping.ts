import { pool } from "@/lib/db/pool";

/** Returns expired leases to the pool everywhere (claims also do it per project, before picking). */
export async function expireLeases(): Promise<number> {
  const result = await pool().query(
    `UPDATE assignments SET status = 'EXPIRED', finished_at = now() WHERE status = 'ACTIVE' AND lease_expires_at <= now()`,
  );
  return result.rowCount ?? 0;
}

/** Answered idempotency keys only matter for retries; after a week they go. */
export async function purgeIdempotencyKeys(olderThanDays = 7): Promise<number> {
  const result = await pool().query(
    `DELETE FROM idempotency_keys WHERE state = 'DONE' AND created_at < now() - make_interval(days => $1)`,
    [olderThanDays],
  );
  return result.rowCount ?? 0;
}
