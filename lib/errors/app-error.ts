/** Errors a person can act on. `code` picks the HTTP status; `field` points the UI at the input. */
export type AppErrorCode =
  /** Input failed validation (400/422). */
  | "INVALID_INPUT"
  /** Not signed in (401). */
  | "UNAUTHENTICATED"
  /** Signed in, but the role may not do this (403). */
  | "FORBIDDEN"
  /** The entity does not exist, or the user may not know it does (404). */
  | "NOT_FOUND"
  /** The request collides with the current state, e.g. a slug already taken (409). */
  | "CONFLICT"
  /** The request body is too large (413). */
  | "TOO_LARGE"
  /** Too many attempts (429). */
  | "RATE_LIMITED";

const STATUS: Record<AppErrorCode, number> = {
  INVALID_INPUT: 422,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  TOO_LARGE: 413,
  RATE_LIMITED: 429,
};

export class AppError extends Error {
  constructor(
    readonly code: AppErrorCode,
    message: string,
    readonly field?: string,
    /** Further problems, each for its own place in the UI: [{field, message}]. */
    readonly problems?: { field: string; message: string }[],
  ) {
    super(message);
  }

  toJSON() {
    return { error: this.message, field: this.field, problems: this.problems };
  }

  get status(): number {
    return STATUS[this.code];
  }
}

export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; cause?: { code?: string } };
  return e?.code === "P2002" || e?.code === "23505" || e?.cause?.code === "23505";
}
