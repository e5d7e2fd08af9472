import "server-only";
import type { z } from "zod";
import type { Role } from "@/generated/prisma/client";
import { actionResult, type ActionDone, type ActionResult } from "@/lib/actions/action-result";
import { parseForm } from "@/lib/actions/form-data";
import { requireRole, type SignedInUser } from "@/lib/auth/guard";

interface Roles {
  /** The roles that may call the action ([] = any signed-in user); others are signed out (redirect) or refused (403). */
  roles: Role[];
}

interface WithForm<S extends z.ZodType> extends Roles {
  /** The form's fields (lib/actions/form-data `formField`); a mismatch is a 422 INVALID_INPUT result naming the field. */
  schema: S;
  form: FormData;
}

/**
 * Every server action runs through here: the role check first (its redirect or 403 is Next's
 * control flow, never a result), then the form parsed by its schema, then `body`; validation and
 * domain errors become an ActionResult in the one error shape (lib/actions/action-result).
 */
export async function action<S extends z.ZodType, T>(
  options: WithForm<S>,
  body: (ctx: { user: SignedInUser; input: z.output<S> }) => Promise<ActionDone<T>>,
): Promise<ActionResult<T>>;
export async function action<T>(options: Roles, body: (ctx: { user: SignedInUser }) => Promise<ActionDone<T>>): Promise<ActionResult<T>>;
export async function action<S extends z.ZodType, T>(
  options: Roles | WithForm<S>,
  body: (ctx: { user: SignedInUser; input: z.output<S> | undefined }) => Promise<ActionDone<T>>,
): Promise<ActionResult<T>> {
  const user = await requireRole(...options.roles);
  return actionResult(async () => {
    const input = "schema" in options ? parseForm(options.schema, options.form) : undefined;
    return body({ user, input });
  });
}
