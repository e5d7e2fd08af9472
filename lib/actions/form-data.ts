import { z } from "zod";

/**
 * FormData as a plain object for a zod schema: a name sent once maps to its value, a name sent
 * several times (checkbox groups, multi-selects) to the list of its values.
 */
export function formDataObject(form: FormData): Record<string, FormDataEntryValue | FormDataEntryValue[]> {
  const out: Record<string, FormDataEntryValue | FormDataEntryValue[]> = {};
  for (const key of new Set(form.keys())) {
    const all = form.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

/** Validates a form against a schema of its fields (built from `formField` below); a failure is a ZodError naming the field. */
export function parseForm<S extends z.ZodType>(schema: S, form: FormData): z.output<S> {
  return schema.parse(formDataObject(form));
}

const first = (value: unknown) => (Array.isArray(value) ? (value[0] as unknown) : value);
const asText = (value: unknown) => String(first(value) ?? "");

/**
 * The shapes a form field arrives in, as zod schemas. They only read the form (text, checked or
 * not, a list); the domain's own schema validates the values and words the errors.
 */
export const formField = {
  /** A text input as sent ("" when absent). */
  text: () => z.preprocess(asText, z.string()),
  /** A text input, trimmed. */
  trimmed: () => z.preprocess((v) => asText(v).trim(), z.string()),
  /** A trimmed text input; blank is undefined (the domain's default applies). */
  optional: () => z.preprocess((v) => asText(v).trim() || undefined, z.string().optional()),
  /** A trimmed number input; blank is undefined, anything else `Number(…)` (NaN is the domain schema's to refuse). */
  optionalNumber: () => z.preprocess((v) => asText(v).trim(), z.string()).transform((s) => (s === "" ? undefined : Number(s))),
  /** A text input read by `schema` (e.g. z.coerce.number(): blank is "", so 0). */
  as: <S extends z.ZodType>(schema: S) => z.preprocess(asText, schema),
  /** A checkbox: sent as "on" when checked, not sent at all otherwise. */
  checkbox: () => z.preprocess((v) => first(v) === "on", z.boolean()),
  /** Every value sent under the name (a checkbox group, a multi-select). */
  all: () => z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]).map(String), z.array(z.string())),
  /** A comma-separated text input as its non-blank, trimmed parts. */
  commaList: () =>
    z.preprocess(
      (v) =>
        asText(v)
          .split(",")
          .map((s) => s.trim())
          .filter(Boolean),
      z.array(z.string()),
    ),
  /** A text input holding JSON (e.g. a list a client component builds); unparsable JSON is a validation error on the field. */
  json: (fallback: string) =>
    z.preprocess(asText, z.string()).transform((s, ctx): unknown => {
      try {
        return JSON.parse(s.trim() || fallback) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: "not valid JSON" });
        return z.NEVER;
      }
    }),
};
