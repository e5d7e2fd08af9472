import { idSchema } from "@/lib/core/ids";
import type { Role } from "@/generated/prisma/client";
import { authorizeApi, type SessionUser } from "@/lib/auth/guard";
import { env } from "@/lib/config/env";
import { errorResponse } from "@/lib/http/error-response";
import { contentTypeRefusal, crossSiteRefusal, isUnsafeMethod, JSON_BODY } from "@/lib/http/request-hygiene";

type Params = Record<string, string>;

export interface RouteOptions {
  /**
   * Content types the handler reads from a state-changing request's body: JSON unless said
   * otherwise; null for a handler that reads no body.
   */
  contentTypes?: readonly string[] | null;
  /** A GET that changes state (e.g. claims work) gets the cross-site check too. */
  changesState?: boolean;
}

/**
 * A route handler that refuses cross-site browser requests to state-changing methods (403,
 * lib/http/request-hygiene), checks the role (401 without a session, 403 for another role) and
 * the body's content type (415), then runs `handler`; any error becomes a JSON answer a person
 * can act on (lib/http/error-response).
 */
export function route<P extends Params = Params>(
  roles: Role[],
  handler: (ctx: { request: Request; params: P; user: SessionUser }) => Promise<Response>,
  options: RouteOptions = {},
) {
  return async (request: Request, context: { params: Promise<P> }): Promise<Response> => {
    const unsafe = isUnsafeMethod(request.method);
    if (unsafe || options.changesState) {
      const refusal = crossSiteRefusal(request, appOrigins());
      if (refusal) return refusal;
    }
    const auth = await authorizeApi(...roles);
    if (!auth.ok) return auth.response;
    const contentTypes = options.contentTypes === undefined ? JSON_BODY : options.contentTypes;
    if (unsafe && contentTypes) {
      const refusal = contentTypeRefusal(request, contentTypes);
      if (refusal) return refusal;
    }
    try {
      return await handler({ request, params: await context.params, user: auth.user });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

function appOrigins(): string[] {
  const url = env().NEXTAUTH_URL;
  return url ? [new URL(url).origin] : [];
}

/** An id from the path; a malformed one is a 400 naming what was expected. */
export function idParam(value: string | undefined, what: string): string {
  return idSchema(what).parse(value);
}

export const noStore = { headers: { "cache-control": "no-store" } };
