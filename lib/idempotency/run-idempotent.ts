import { createHash } from "node:crypto";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { pool } from "@/lib/db/pool";
import { AppError } from "@/lib/errors/app-error";

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** An Idempotency-Key left IN_FLIGHT longer than this belongs to a request that died. */
const IN_FLIGHT_TAKEOVER_MS = 120_000;

export function requestHash(payload: unknown): string {
  return createHash("sha256").update(JSON.stringify(payload)).digest("hex");
}

/**
 * Runs a mutation at most once per (user, Idempotency-Key). The first request records the key
 * as in flight, runs `work` in a transaction and stores its answer in that same transaction; a
 * retry with the same key and payload gets the stored answer (a double click or a retry after a
 * lost response stores one result). The same key while the first is still running: 409; with a
 * different payload: 422. A refusal (AppError) is stored as the answer too; an unexpected
 * failure releases the key so a retry can run.
 */
export async function runIdempotent(options: { userId: string; key: string; payload: unknown }, work: (tx: Tx) => Promise<StoredResponse>): Promise<StoredResponse> {
  const hash = requestHash(options.payload);
  const claimed = await pool().query(
    `INSERT INTO idempotency_keys (user_id, key, request_hash) VALUES ($1, $2, $3) ON CONFLICT (user_id, key) DO NOTHING RETURNING key`,
    [options.userId, options.key, hash],
  );
  if (claimed.rowCount === 0) {
    const { rows } = await pool().query<{ request_hash: string; state: string; status_code: number | null; response: unknown; age_ms: number }>(
      `SELECT request_hash, state, status_code, response, (extract(epoch FROM now() - created_at) * 1000)::float8 AS age_ms FROM idempotency_keys WHERE user_id = $1 AND key = $2`,
      [options.userId, options.key],
    );
    const row = rows[0];
    if (!row) return runIdempotent(options, work);
    if (row.request_hash !== hash) {
      return { status: 422, body: { error: "This Idempotency-Key was already used for a different submission. Send a new key with a changed payload." } };
    }
    if (row.state === "DONE") return { status: row.status_code ?? 200, body: row.response };
    if (row.age_ms < IN_FLIGHT_TAKEOVER_MS) {
      return { status: 409, body: { error: "This submission is still being processed. Wait a moment and retry with the same key." } };
    }
    const takeover = await pool().query(`UPDATE idempotency_keys SET created_at = now() WHERE user_id = $1 AND key = $2 AND state = 'IN_FLIGHT' AND created_at < now() - make_interval(secs => $3)`, [
      options.userId, options.key, IN_FLIGHT_TAKEOVER_MS / 1000,
    ]);
    if (takeover.rowCount === 0) return { status: 409, body: { error: "This submission is still being processed. Wait a moment and retry with the same key." } };
  }
  const finish = (tx: Tx | ReturnType<typeof pool>, response: StoredResponse) =>
    tx.query(`UPDATE idempotency_keys SET state = 'DONE', status_code = $3, response = $4::jsonb WHERE user_id = $1 AND key = $2`, [
      options.userId, options.key, response.status, JSON.stringify(response.body),
    ]);
  try {
    return await withTransaction(async (tx) => {
      const response = await work(tx);
      await finish(tx, response);
      return response;
    });
  } catch (error) {
    if (error instanceof AppError) {
      const response = { status: error.status, body: error.toJSON() };
      await finish(pool(), response);
      return response;
    }
    await pool().query(`DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2 AND state = 'IN_FLIGHT'`, [options.userId, options.key]).catch(() => undefined);
    throw error;
  }
}
