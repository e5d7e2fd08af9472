import { z } from "zod";
import { AppError, type AppErrorCode, type Problem } from "@/lib/errors/app-error";
import { invalidInput } from "@/lib/errors/zod-problems";

/**
 * What every server action answers: success with a message, or an error in the app's one error
 * shape (lib/errors/app-error: message, code, the field to point at, every field's problem).
 */
export type ActionResult<T = unknown> =
  { ok: true; message: string; data?: T } | { ok: false; error: string; code: AppErrorCode; field?: string; problems?: Problem[] };

/** What an action's body returns on success. */
export interface ActionDone<T> {
  message: string;
  data?: T;
}

/**
 * Runs an action body, turning validation (ZodError: 422 INVALID_INPUT, as routes answer it) and
 * domain errors into a result the form can show. Anything else (Next's own control flow such as
 * redirect or forbidden, and real faults) is rethrown untouched.
 */
export async function actionResult<T>(body: () => Promise<ActionDone<T>>): Promise<ActionResult<T>> {
  try {
    const { message, data } = await body();
    return { ok: true, message, data };
  } catch (error) {
    const known = error instanceof z.ZodError ? invalidInput(error) : error;
    if (known instanceof AppError) {
      const { error: text, code, field, problems } = known.toJSON();
      return { ok: false, error: text, code, field, problems };
    }
    throw error;
  }
}
