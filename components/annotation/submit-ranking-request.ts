"use client";

import type { FieldErrors } from "@/components/annotation/types";
import type { ErrorBody as AppErrorBody } from "@/lib/errors/app-error";

export type SubmitOutcome = { ok: true } | { ok: false; retryable: boolean; errors: FieldErrors };

/** The app's error shape (lib/errors/app-error), as far as this client reads it. */
type ErrorBody = Partial<AppErrorBody>;

/** Maps a refusal to the places the screen shows it: the ranking panel, a card, or the top. */
export function errorsFromBody(body: ErrorBody, candidateIds: string[]): FieldErrors {
  const errors: FieldErrors = { general: null, ranking: null, byCandidate: {} };
  const problems = body.problems?.length
    ? body.problems
    : [{ field: body.field ?? "", message: body.error ?? "The server refused this ranking." }];
  for (const p of problems) {
    if (candidateIds.includes(p.field)) errors.byCandidate[p.field] = p.message;
    else if (p.field === "ranking" || p.field.startsWith("tiers")) errors.ranking = errors.ranking ?? p.message;
    else errors.general = errors.general ?? p.message;
  }
  return errors;
}

/** Sends a ranking with its Idempotency-Key; an IN_PROGRESS answer (the first attempt still runs) is retried with the same key. */
export async function sendRanking(
  url: string,
  method: "POST" | "PUT",
  body: string,
  key: string,
  candidateIds: string[],
): Promise<SubmitOutcome> {
  for (let attempt = 0; attempt < 5; attempt++) {
    let res: Response;
    try {
      res = await fetch(url, { method, headers: { "content-type": "application/json", "idempotency-key": key }, body });
    } catch {
      return {
        ok: false,
        retryable: true,
        errors: {
          general: "Could not reach the server. Your ranking is still here: press Submit again to retry (it will not be stored twice).",
          ranking: null,
          byCandidate: {},
        },
      };
    }
    if (res.ok) return { ok: true };
    const parsed = (await res.json().catch(() => ({}))) as ErrorBody;
    if (parsed.code === "IN_PROGRESS") {
      await new Promise((r) => setTimeout(r, 800));
      continue;
    }
    return { ok: false, retryable: res.status >= 500, errors: errorsFromBody(parsed, candidateIds) };
  }
  return {
    ok: false,
    retryable: true,
    errors: {
      general: "The server is still processing an earlier attempt; press Submit again in a moment.",
      ranking: null,
      byCandidate: {},
    },
  };
}
