import type { Role } from "@/generated/prisma/client";
import type { ApiTokenScope } from "@/lib/auth/api-tokens";
import { authorizeApi, type SessionUser } from "@/lib/auth/guard";
import { env } from "@/lib/config/env";
import { idSchema } from "@/lib/core/ids";
import { errorResponse } from "@/lib/http/error-response";
import { contentTypeRefusal, crossSiteRefusal, isUnsafeMethod, JSON_BODY } from "@/lib/http/request-hygiene";

type Params = Record<string, string | string[]>;

interface CommonOptions {
  /**
   * Content types the handler reads from a state-changing request's body: JSON unless said
   * otherwise; null for a handler that reads no body.
   */
  contentTypes?: readonly string[] | null;
  /** A GET that changes state (e.g. claims work) gets the cross-site check too. */
  changesState?: boolean;
}

export interface SignedInRouteOptions extends CommonOptions {
  /** The roles that may call the route ([] = any signed-in user). */
  roles: readonly Role[];
  /** Also accept an `Authorization: Bearer` API token with this scope (its owner's role must still be one of `roles`). */
  tokenScope?: ApiTokenScope;
}

export interface PublicRouteOptions extends CommonOptions {
  /** Anyone, signed in or not (e.g. the health check). */
  roles: "public";
}

type Handler<P, U> = (ctx: { request: Request; params: P; user: U }) => Promise<Response>;
type NextHandler<P> = (request: Request, context: { params: Promise<P> }) => Promise<Response>;

/**
 * Every route handler goes through here. It refuses cross-site browser requests to
 * state-changing methods (403, lib/http/request-hygiene), checks the caller (401 without a
 * session or valid token, 403 for another role) and the body's content type (415), then runs
 * `handler`; any error becomes the one JSON error shape (lib/http/error-response).
 */
export function route<P extends Params = Record<string, string>>(options: PublicRouteOptions, handler: Handler<P, null>): NextHandler<P>;
export function route<P extends Params = Record<string, string>>(
  options: SignedInRouteOptions,
  handler: Handler<P, SessionUser>,
): NextHandler<P>;
export function route<P extends Params>(
  options: PublicRouteOptions | SignedInRouteOptions,
  handler: Handler<P, SessionUser> | Handler<P, null>,
): NextHandler<P> {
  // The overloads pair a public route with a null user and a signed-in one with its user.
  const run = handler as Handler<P, SessionUser | null>;
  return async (request, context) => {
    const unsafe = isUnsafeMethod(request.method);
    if (unsafe || options.changesState) {
      const refusal = crossSiteRefusal(request, appOrigins());
      if (refusal) return refusal;
    }
    let user: SessionUser | null = null;
    if (options.roles !== "public") {
      const auth = await authorizeApi(request, options.roles, options.tokenScope);
      if (!auth.ok) return auth.response;
      user = auth.user;
    }
    const contentTypes = options.contentTypes === undefined ? JSON_BODY : options.contentTypes;
    if (unsafe && contentTypes) {
      const refusal = contentTypeRefusal(request, contentTypes);
      if (refusal) return refusal;
    }
    try {
      return await run({ request, params: await context.params, user });
    } catch (error) {
      return errorResponse(error);
    }
  };
}

function appOrigins(): string[] {
  const url = env().NEXTAUTH_URL;
  return url ? [new URL(url).origin] : [];
}

/** An id from the path; a malformed one is a 422 naming what was expected. */
export function idParam(value: string | undefined, what: string): string {
  return idSchema(what).parse(value);
}

export const noStore = { headers: { "cache-control": "no-store" } };
