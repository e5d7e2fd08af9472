import "server-only";
import { AssignmentStatus } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { execute, sql } from "@/lib/db/sql";

/**
 * Returns expired leases to the pool everywhere, ranking assignments and verification pair
 * assignments alike (claims also do it per project, before picking).
 */
export async function expireLeases(): Promise<number> {
  const rankings = await execute(
    pool(),
    sql`UPDATE assignments SET status = ${AssignmentStatus.EXPIRED}, finished_at = now() WHERE status = ${AssignmentStatus.ACTIVE} AND lease_expires_at <= now()`,
  );
  const pairs = await execute(
    pool(),
    sql`UPDATE verification_assignments SET status = ${AssignmentStatus.EXPIRED}, finished_at = now() WHERE status = ${AssignmentStatus.ACTIVE} AND lease_expires_at <= now()`,
  );
  return rankings + pairs;
}

/** Answered idempotency keys only matter for retries; after a week they go. */
export async function purgeIdempotencyKeys(olderThanDays = 7): Promise<number> {
  return execute(
    pool(),
    sql`DELETE FROM idempotency_keys WHERE state = 'DONE' AND created_at < now() - make_interval(days => ${olderThanDays})`,
  );
}
