import type { z } from "zod";
import type { Role } from "@/generated/prisma/client";
import type { ApiTokenScope } from "@/lib/auth/api-tokens";
import { authorizeApi, type SessionUser } from "@/lib/auth/guard";
import { env } from "@/lib/config/env";
import { idSchema } from "@/lib/core/ids";
import { errorResponse } from "@/lib/http/error-response";
import { readJson } from "@/lib/http/read-json";
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

/** A JSON request body: route() reads it (at most `maxBytes`) and validates it with `schema` (422 naming the field). */
export interface JsonBody<S extends z.ZodType = z.ZodType> {
  schema: S;
  maxBytes: number;
}

export interface SignedInRouteOptions<B extends JsonBody | undefined = JsonBody | undefined> extends CommonOptions {
  /** The roles that may call the route ([] = any signed-in user). */
  roles: readonly Role[];
  /** Also accept an `Authorization: Bearer` API token with this scope (its owner's role must still be one of `roles`). */
  tokenScope?: ApiTokenScope;
  /** The JSON body the handler gets as `body`, already validated; /api/openapi.json describes the same schema. */
  body?: B;
}

export interface PublicRouteOptions extends CommonOptions {
  /** Anyone, signed in or not (e.g. the health check). */
  roles: "public";
}

type BodyOf<B> = B extends JsonBody<infer S> ? z.output<S> : undefined;
type Handler<P, U, B = undefined> = (ctx: { request: Request; params: P; user: U; body: BodyOf<B> }) => Promise<Response>;
/** A route handler as Next calls it, carrying the options it was made with (read by the OpenAPI description's test). */
type NextHandler<P> = ((request: Request, context: { params: Promise<P> }) => Promise<Response>) & {
  routeOptions: PublicRouteOptions | SignedInRouteOptions;
};

/**
 * Every route handler goes through here. It refuses cross-site browser requests to
 * state-changing methods (403, lib/http/request-hygiene), checks the caller (401 without a
 * session or valid token, 403 for another role) and the body's content type (415), then runs
 * `handler`; any error becomes the one JSON error shape (lib/http/error-response).
 */
export function route<P extends Params = Record<string, string>>(options: PublicRouteOptions, handler: Handler<P, null>): NextHandler<P>;
export function route<P extends Params = Record<string, string>, B extends JsonBody | undefined = undefined>(
  options: SignedInRouteOptions<B>,
  handler: Handler<P, SessionUser, B>,
): NextHandler<P>;
export function route<P extends Params>(
  options: PublicRouteOptions | SignedInRouteOptions,
  handler: Handler<P, SessionUser, JsonBody> | Handler<P, null>,
): NextHandler<P> {
  // The overloads pair a public route with a null user and a signed-in one with its user and body.
  const run = handler as Handler<P, SessionUser | null, JsonBody | undefined>;
  const body = "body" in options ? options.body : undefined;
  const next = async (request: Request, context: { params: Promise<P> }) => {
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
      const params = await context.params;
      return await run({ request, params, user, body: body ? await readJson(request, body.schema, body.maxBytes) : undefined });
    } catch (error) {
      return errorResponse(error);
    }
  };
  return Object.assign(next, { routeOptions: options });
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
