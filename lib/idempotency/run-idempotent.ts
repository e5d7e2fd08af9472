import "server-only";
import { createHash } from "node:crypto";
import { IdempotencyState } from "@/generated/prisma/enums";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";

export interface StoredResponse {
  status: number;
  body: unknown;
}

export function requestHash(payload: unknown): string {
  return createHash("sha256").update(JSON.stringify(payload)).digest("hex");
}

const STILL_RUNNING = new AppError("IN_PROGRESS", "This submission is still being processed. Wait a moment and retry with the same key.");
const KEY_REUSED = new AppError(
  "INVALID_INPUT",
  "This Idempotency-Key was already used for a different submission. Send a new key with a changed payload.",
  "Idempotency-Key",
);
const answer = (error: AppError): StoredResponse => ({ status: error.status, body: error.toJSON() });

/**
 * Runs a mutation at most once per (user, Idempotency-Key). The request takes a
 * transaction-scoped advisory lock on the key, runs `work` and stores its answer in that same
 * transaction; a retry with the same key and payload gets the stored answer (a double click or a
 * retry after a lost response stores one result). The same key while the first is still running:
 * 409; with a different payload: 422. A refusal (AppError) is stored as the answer too.
 *
 * The lock is the in-flight marker: it lives exactly as long as the transaction doing the work, so
 * a request that dies (process killed, connection lost) rolls back and frees the key as soon as
 * PostgreSQL ends its session, and a retry runs at once.
 */
export async function runIdempotent(
  options: { userId: string; key: string; payload: unknown },
  work: (tx: Tx) => Promise<StoredResponse>,
): Promise<StoredResponse> {
  const hash = requestHash(options.payload);
  return withTransaction(async (tx) => {
    const lock = await queryOne<{ held: boolean }>(
      tx,
      sql`SELECT pg_try_advisory_xact_lock(hashtextextended('idempotency:' || ${options.userId} || ':' || ${options.key}, 0)) AS held`,
    );
    if (!lock?.held) return answer(STILL_RUNNING);
    const stored = await queryOne<{ requestHash: string; state: IdempotencyState; statusCode: number | null; response: unknown }>(
      tx,
      sql`SELECT request_hash, state, status_code, response FROM idempotency_keys WHERE user_id = ${options.userId} AND key = ${options.key}`,
    );
    if (stored && stored.requestHash !== hash) return answer(KEY_REUSED);
    // IN_FLIGHT rows are left by versions that marked keys outside the transaction: their request is gone.
    if (stored?.state === IdempotencyState.DONE) return { status: stored.statusCode ?? 200, body: stored.response };
    await execute(tx, sql`SAVEPOINT idempotent_work`);
    let response: StoredResponse;
    try {
      response = await work(tx);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      await execute(tx, sql`ROLLBACK TO SAVEPOINT idempotent_work`);
      response = answer(error);
    }
    await execute(
      tx,
      sql`INSERT INTO idempotency_keys (user_id, key, request_hash, state, status_code, response)
          VALUES (${options.userId}, ${options.key}, ${hash}, ${IdempotencyState.DONE}, ${response.status}, ${JSON.stringify(response.body)}::jsonb)
       ON CONFLICT (user_id, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, state = EXCLUDED.state, status_code = EXCLUDED.status_code, response = EXCLUDED.response, created_at = now()`,
    );
    return response;
  });
}
