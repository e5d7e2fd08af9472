import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import { AppError } from "@/lib/errors/app-error";
import { formatProblem } from "@/lib/import/problem-list";
import type { RecordProblem } from "@/lib/import/types";
import { describeProblems, fieldParts, zodProblems } from "@/lib/errors/zod-problems";

/** A usage error: wrong flags or values. Exit code 2. */
export class UsageError extends Error {}

export interface CliIO {
  out: (line: string) => void;
  err: (line: string) => void;
  readStdin: () => Promise<string>;
}

export interface Command {
  name: string;
  usage: string;
  /** False for commands that must not touch the database (help). */
  needsDatabase: boolean;
  run(args: string[], io: CliIO): Promise<number | void>;
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** node:util parseArgs, with its errors turned into usage errors. */
export function parseFlags<O extends Options>(args: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({ args, options, allowPositionals, strict: true });
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}

/** Validates flag values with zod; a failure is a usage error naming the flag. */
export function parseValues<S extends z.ZodType>(schema: S, values: unknown, flagNames: Record<string, string> = {}): z.output<S> {
  const result = schema.safeParse(values);
  if (!result.success) {
    const problem = zodProblems(result.error)[0]!;
    const key = fieldParts(problem.field)[0] ?? "";
    throw new UsageError(`${flagNames[key] ?? `--${key.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`}: ${problem.message}`);
  }
  return result.data;
}

/** Prints a file's problems (first 100 and a count) and its outcome; returns the exit code. */
export function reportFileOutcome(
  io: CliIO,
  summary: { ok: boolean; message: string; problems: RecordProblem[]; problemsNotShown: number },
): number {
  for (const p of summary.problems) io.err(formatProblem(p));
  if (summary.problemsNotShown > 0) io.err(`… and ${summary.problemsNotShown} more problems.`);
  if (!summary.ok) {
    io.err(summary.message);
    return 1;
  }
  io.out(summary.message);
  return 0;
}

export function describeError(error: unknown): string {
  if (error instanceof AppError || error instanceof UsageError) return error.message;
  if (error instanceof z.ZodError) return describeProblems(zodProblems(error));
  return (error as Error)?.message ?? String(error);
}
