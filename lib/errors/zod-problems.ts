import type { z } from "zod";
import { AppError, type Problem } from "@/lib/errors/app-error";

/**
 * The one way a ZodError becomes words: one problem per issue, its field the dotted path
 * ("details.<id>.comment"), or `fallbackField` when the issue is about the whole input.
 * Routes, actions, the CLI and the environment check all go through here.
 */
export function zodProblems(error: z.ZodError, fallbackField = ""): Problem[] {
  return error.issues.map((issue) => ({ field: issue.path.map(String).join(".") || fallbackField, message: issue.message }));
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
