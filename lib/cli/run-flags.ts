import type { z } from "zod";
import { UsageError } from "@/lib/cli/command";
import { AppError } from "@/lib/errors/app-error";
import { fieldParts, zodProblems } from "@/lib/errors/zod-problems";

/** Flags both run commands take: budgets, concurrency, seed and the prompt filter. */
export const RUN_FLAG_OPTIONS = {
  project: { type: "string" },
  name: { type: "string" },
  sample: { type: "string" },
  source: { type: "string", multiple: true },
  "prompt-type": { type: "string", multiple: true },
  "without-human-rankings": { type: "boolean" },
  concurrency: { type: "string" },
  "max-repairs": { type: "string" },
  "budget-calls": { type: "string" },
  "budget-tokens": { type: "string" },
  "budget-usd": { type: "string" },
  seed: { type: "string" },
} as const;

/** The flag behind each field of the run schemas, so a refusal names what to change. */
export const RUN_FLAGS: Record<string, string> = {
  projectSlug: "--project",
  name: "--name",
  endpointId: "--endpoint",
  model: "--model",
  templateId: "--template",
  temperature: "--temperature",
  permutations: "--permutations",
  maxConcurrency: "--concurrency",
  maxRepairs: "--max-repairs",
  budgetCalls: "--budget-calls",
  budgetTokens: "--budget-tokens",
  budgetCostUsd: "--budget-usd",
  seed: "--seed",
  mode: "--mode",
  filter: "--sample",
  "filter.sample": "--sample",
  "filter.sources": "--source",
  "filter.types": "--prompt-type",
  targetCandidates: "--target",
  models: "--model",
};

interface RunFlagValues {
  project?: string;
  name?: string;
  sample?: string;
  source?: string[];
  "prompt-type"?: string[];
  "without-human-rankings"?: boolean;
  concurrency?: string;
  "max-repairs"?: string;
  "budget-calls"?: string;
  "budget-tokens"?: string;
  "budget-usd"?: string;
  seed?: string;
}

/** The run schemas' common fields from the flags (as text: the schemas coerce and validate them). */
export function commonRunInput(values: RunFlagValues) {
  if (!values.project) throw new UsageError("--project: required (the project's slug)");
  return {
    projectSlug: values.project,
    name: values.name ?? "",
    maxConcurrency: values.concurrency,
    maxRepairs: values["max-repairs"],
    budgetCalls: values["budget-calls"],
    budgetTokens: values["budget-tokens"],
    budgetCostUsd: values["budget-usd"],
    seed: values.seed,
    filter: {
      sources: values.source,
      types: values["prompt-type"],
      withoutHumanRankings: values["without-human-rankings"] ?? false,
      sample: values.sample,
    },
  };
}

/** Validates with the run's schema before anything is written: a failure is a usage error (exit 2) naming the flag. */
export function checkRunInput<S extends z.ZodType>(schema: S, input: unknown, flags: Record<string, string> = {}): void {
  const result = schema.safeParse(input);
  if (result.success) return;
  const problem = zodProblems(result.error)[0]!;
  throw new UsageError(`${flagOf(problem.field, flags)}: ${problem.message}`);
}

/** Fields of each generator model, set by flags that apply to every model. */
const MODEL_FLAGS: Record<string, string> = { temperature: "--temperature", maxTokens: "--max-output-tokens", model: "--model" };

/** The flag that sets a field: the command's own `flags` first (e.g. rm-eval's --judge for the endpoint), then RUN_FLAGS. */
function flagOf(field: string, flags: Record<string, string> = {}): string {
  if (flags[field]) return flags[field];
  const parts = fieldParts(field);
  const modelFlag = parts[0] === "models" && parts[2] ? MODEL_FLAGS[parts[2]] : undefined;
  if (modelFlag) return modelFlag;
  for (let n = parts.length; n > 0; n--) {
    const flag = RUN_FLAGS[parts.slice(0, n).join(".")];
    if (flag) return flag;
  }
  return field;
}

/** A refusal of the run's creation (no such project, nothing matches, endpoint unusable) worded with the flag. */
export function withRunFlag(error: unknown, flags: Record<string, string> = {}): never {
  if (error instanceof AppError && error.field)
    throw new AppError(error.code, `${flagOf(error.field, flags)}: ${error.message}`, error.field);
  throw error;
}
