import { z } from "zod";
import type { Role } from "@/generated/prisma/client";
import { authorizeApi, type SessionUser } from "@/lib/auth/guard";
import { errorResponse } from "@/lib/http/error-response";

type Params = Record<string, string>;

/**
 * A route handler that checks the role first (401 without a session, 403 for another role), then
 * runs `handler`; any error becomes a JSON answer a person can act on (lib/http/error-response).
 */
export function route<P extends Params = Params>(roles: Role[], handler: (ctx: { request: Request; params: P; user: SessionUser }) => Promise<Response>) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const auth = await authorizeApi(...roles);
    if (!auth.ok) return auth.response;
    try {
      return await handler({ request, params: await context.params, user: auth.user });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

/** An id from the path; a malformed one is a 400 naming what was expected. */
export function idParam(value: string | undefined, what: string): string {
  return z.uuid(`not ${what} id`).parse(value);
}

export const noStore = { headers: { "cache-control": "no-store" } };
