import type { z } from "zod";
import type { FieldProblem } from "@/lib/import/validate-prompt";

/** `completions[2].text` from zod's path ["completions", 2, "text"]. */
export function fieldPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || "(record)";
}

export function zodProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: fieldPath(issue.path), reason: describeIssue(issue) }));
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === "invalid_type") {
    return issue.input === undefined
      ? `missing (expected ${issue.expected})`
      : `wrong type: expected ${issue.expected}, got ${typeOf(issue.input)}`;
  }
  return issue.message;
}

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
