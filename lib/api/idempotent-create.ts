import "server-only";
import { idempotencyKey } from "@/lib/http/read-json";
import { runIdempotent } from "@/lib/idempotency/run-idempotent";

/**
 * A create behind an Idempotency-Key (201 with what `create` returns): a script that retries after
 * a lost answer gets the first answer again instead of a second run or endpoint. `create` commits
 * on its own; the key's lock keeps two requests with the same key from running it at once.
 */
export async function idempotentCreate(
  request: Request,
  userId: string,
  operation: string,
  payload: unknown,
  create: () => Promise<unknown>,
) {
  const key = idempotencyKey(request);
  const result = await runIdempotent({ userId, key, payload: { operation, payload } }, async () => ({ status: 201, body: await create() }));
  return Response.json(result.body, { status: result.status });
}
