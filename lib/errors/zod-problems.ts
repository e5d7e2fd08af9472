import type { z } from "zod";
import { AppError, type Problem } from "@/lib/errors/app-error";

/**
 * The one way a ZodError becomes words: one problem per issue, its field the path as code writes it
 * ("completions[2].text", "details.<id>.comment"), or `fallbackField` when the issue is about the whole input.
 * Routes, actions, the CLI, the importers and the environment check all go through here.
 */
export function zodProblems(error: z.ZodError, fallbackField = ""): Problem[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path) || fallbackField, message: describeIssue(issue) }));
}

/** `completions[2].text` from zod's path ["completions", 2, "text"]; "" for the whole input. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out;
}

/** The names in a field path: "models[0].temperature" → ["models", "0", "temperature"]. */
export function fieldParts(field: string): string[] {
  return field.split(/[.[\]]+/).filter(Boolean);
}

// zod's own wording for a wrong or missing value ("Invalid input: expected string, received undefined").
// A schema's own message for the same issue is kept as written.
const ZOD_INVALID_TYPE = /^Invalid input: expected (.+), received (.+)$/;

function describeIssue(issue: z.core.$ZodIssue): string {
  const zodWording = issue.code === "invalid_type" ? ZOD_INVALID_TYPE.exec(issue.message) : null;
  if (!zodWording) return issue.message;
  const [, expected, received] = zodWording;
  return received === "undefined" ? `missing (expected ${expected})` : `wrong type: expected ${expected}, got ${received}`;
}

/** "field: message" (just the message when there is no field). */
export function describeProblem(problem: Problem): string {
  return problem.field ? `${problem.field}: ${problem.message}` : problem.message;
}

/** Every problem as text, "a: …; b: …" by default. */
export function describeProblems(problems: Problem[], separator = "; "): string {
  return problems.map(describeProblem).join(separator);
}

/** A validation failure as the one AppError (422 INVALID_INPUT): the first problem is the message, all are listed. */
export function invalidInput(error: z.ZodError, fallbackField = ""): AppError {
  const problems = zodProblems(error, fallbackField);
  const first = problems[0] ?? { field: fallbackField, message: "invalid input" };
  return new AppError("INVALID_INPUT", describeProblem(first), first.field || undefined, problems);
}
