import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";

/** What every server action answers: success with a message, or an error the form shows next to the field. */
export type ActionResult<T = unknown> = { ok: true; message: string; data?: T } | { ok: false; error: string; field?: string };

/**
 * Runs an action body, turning validation and domain errors into a result the form can show.
 * Next's own control flow (redirect, forbidden) is rethrown untouched.
 */
export async function actionResult<T>(body: () => Promise<{ message: string; data?: T }>): Promise<ActionResult<T>> {
  try {
    const { message, data } = await body();
    return { ok: true, message, data };
  } catch (error) {
    if (error instanceof AppError) return { ok: false, error: error.message, field: error.field };
    if (error instanceof z.ZodError) {
      const issue = error.issues[0]!;
      const field = issue.path.map(String).join(".");
      return { ok: false, error: `${field ? `${field}: ` : ""}${issue.message}`, field: field || undefined };
    }
    throw error;
  }
}
