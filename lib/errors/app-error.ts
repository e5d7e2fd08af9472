/**
 * Errors a person can act on, and the one shape every error answer has (routes, actions, stored
 * idempotent answers): `{ error, code, field?, problems? }`. `error` is the message shown to
 * people; `code` is what clients branch on (never the message text); `field` points the UI at
 * the input; `problems` lists every field's own message. `code` picks the HTTP status.
 */
export type AppErrorCode =
  /** Input failed validation (422, on every path: JSON bodies, queries, path ids, forms). */
  | "INVALID_INPUT"
  /** Not signed in, or the API token is unknown, revoked or expired (401). */
  | "UNAUTHENTICATED"
  /** Signed in, but the role (or the token's scope) may not do this (403). */
  | "FORBIDDEN"
  /** A browser request from another site to a state-changing route (403). */
  | "CROSS_SITE_REQUEST"
  /** The entity does not exist, or the user may not know it does (404). */
  | "NOT_FOUND"
  /** The request collides with the current state, e.g. a slug already taken (409). */
  | "CONFLICT"
  /** An earlier request with the same Idempotency-Key is still running: retry with the same key (409). */
  | "IN_PROGRESS"
  /** The request body is too large (413). */
  | "TOO_LARGE"
  /** The body's content type is not one the route reads (415). */
  | "UNSUPPORTED_MEDIA_TYPE"
  /** Too many attempts (429). */
  | "RATE_LIMITED"
  /** Something failed on the server; nothing was changed (500). */
  | "INTERNAL";

export const STATUS_OF: Record<AppErrorCode, number> = {
  INVALID_INPUT: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CROSS_SITE_REQUEST: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  IN_PROGRESS: 409,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/** One field's problem: `field` is a dotted path ("details.<id>.comment"), "" for the whole input. */
export interface Problem {
  field: string;
  message: string;
}

/** The JSON body of every error answer. */
export interface ErrorBody {
  error: string;
  code: AppErrorCode;
  field?: string;
  problems?: Problem[];
}

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string,
    /** Further problems, each for its own place in the UI: [{field, message}]. */
    readonly problems?: Problem[],
  ) {
    super(message);
  }

  toJSON(): ErrorBody {
    return { error: this.message, code: this.code, field: this.field, problems: this.problems };
  }

  get status(): number {
    return STATUS_OF[this.code];
  }
}

/** An error answer in the one shape, with the code's status. */
export function errorJson(code: AppErrorCode, message: string, init?: { field?: string; problems?: Problem[]; headers?: HeadersInit }) {
  return Response.json(new AppError(code, message, init?.field, init?.problems).toJSON(), {
    status: STATUS_OF[code],
    headers: init?.headers,
  });
}

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === "P2002" || e?.code === "23505" || e?.cause?.code === "23505";
}
