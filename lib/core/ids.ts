import { z } from "zod";

/** Every row MedPref creates is named by a UUID; this is the one place that says so. */
export function newId(): string {
  return globalThis.crypto.randomUUID();
}

/** The schema of an id of a `what` ("a judge run"): its message names what was expected. */
export function idSchema(what: string) {
  return z.uuid(`not ${what} id`);
}

/** Whether a path segment or field can be an id at all (pages answer 404 when not). */
export function isId(value: unknown): value is string {
  return z.uuid().safeParse(value).success;
}
