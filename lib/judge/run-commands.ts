import "server-only";
import { z } from "zod";
import { startQueue } from "@/lib/jobs/queue";
import { createGenerationRun, type GenerationRunInput } from "@/lib/judge/runs/create-generation-run";
import { createJudgeRun, type JudgeRunInput } from "@/lib/judge/runs/create-judge-run";
import { createJudgeEvaluation, type JudgeEvaluationInput } from "@/lib/rm-eval/judge-evaluation";
import type { BenchmarkRef } from "@/lib/rm-eval/benchmark-targets";
import { cancelJudgeRun, pauseJudgeRun, resumeJudgeRun, startJudgeRun } from "@/lib/judge/runs/judge-queue";

/**
 * What an admin does to runs, the same from the run pages, the command line and the REST API:
 * create and start, then start, pause, resume or cancel. Status changes go through judge-queue
 * (and so run-status.ts), never around it.
 */

export const RUN_COMMANDS = ["start", "pause", "resume", "cancel"] as const;
export const runCommand = z.enum(RUN_COMMANDS, { error: `expected one of ${RUN_COMMANDS.join(", ")}` });
export type RunCommand = z.infer<typeof runCommand>;

const SAID: Record<RunCommand, string> = {
  start: "Started.",
  pause: "Paused: calls in flight finish, nothing new starts.",
  resume: "Resumed.",
  cancel: "Cancelled.",
};

/** Applies one command to a run; returns what to tell the user. A refused change is a CONFLICT AppError. */
export async function controlRun(runId: string, command: RunCommand, actorId: string | null): Promise<string> {
  switch (command) {
    case "pause":
      await pauseJudgeRun(runId, actorId);
      break;
    case "cancel":
      await cancelJudgeRun(runId, actorId);
      break;
    case "resume":
      await resumeJudgeRun(await startQueue(), runId, actorId);
      break;
    case "start":
      await startJudgeRun(await startQueue(), runId, actorId);
      break;
  }
  return SAID[command];
}

/** Creates a judge run and starts it (its units go to the queue, or to a batch). */
export async function createAndStartJudgeRun(input: JudgeRunInput, actorId: string | null) {
  const run = await createJudgeRun(input, actorId);
  await startJudgeRun(await startQueue(), run.id, actorId);
  return run;
}

/** Creates a generation run and starts it. */
export async function createAndStartGenerationRun(input: GenerationRunInput, actorId: string | null) {
  const run = await createGenerationRun(input, actorId);
  await startJudgeRun(await startQueue(), run.id, actorId);
  return run;
}

/** Creates a judge evaluation on a benchmark's pairs (its run and leaderboard row) and starts its run. */
export async function createAndStartJudgeEvaluation(ref: BenchmarkRef, input: JudgeEvaluationInput, actorId: string | null) {
  const created = await createJudgeEvaluation(ref, input, actorId);
  await startJudgeRun(await startQueue(), created.runId, actorId);
  return created;
}
