"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionResult } from "@/lib/actions/action-result";
import { requireRole } from "@/lib/auth/guard";
import { startQueue } from "@/lib/jobs/queue";
import { createGenerationRun, type GenerationRunInput } from "@/lib/judge/runs/create-generation-run";
import { createJudgeRun, type JudgeRunInput } from "@/lib/judge/runs/create-judge-run";
import { cancelJudgeRun, pauseJudgeRun, resumeJudgeRun, startJudgeRun } from "@/lib/judge/runs/judge-queue";

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
const optionalNumber = (form: FormData, name: string) => text(form, name) || undefined;
const list = (form: FormData, name: string) =>
  text(form, name)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

function budgetsAndFilter(form: FormData) {
  return {
    maxConcurrency: optionalNumber(form, "maxConcurrency"),
    budgetCalls: optionalNumber(form, "budgetCalls"),
    budgetTokens: optionalNumber(form, "budgetTokens"),
    budgetCostUsd: optionalNumber(form, "budgetCostUsd"),
    seed: optionalNumber(form, "seed"),
    filter: {
      sources: list(form, "sources"),
      types: list(form, "types"),
      withoutHumanRankings: form.get("withoutHumanRankings") === "on",
      sample: optionalNumber(form, "sample"),
    },
  };
}

/** Creates a judge run and, when asked, starts it at once. */
export async function createJudgeRunAction(_: unknown, form: FormData) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    // Form fields arrive as text; the run schema coerces and validates them.
    const input = {
      projectSlug: text(form, "project"),
      name: text(form, "name"),
      endpointId: text(form, "endpointId"),
      model: text(form, "model"),
      templateId: text(form, "templateId"),
      temperature: optionalNumber(form, "temperature"),
      permutations: optionalNumber(form, "permutations"),
      maxRepairs: optionalNumber(form, "maxRepairs"),
      mode: text(form, "mode") || "REALTIME",
      ...budgetsAndFilter(form),
    };
    const run = await createJudgeRun(input as unknown as JudgeRunInput, admin.id);
    await startJudgeRun(await startQueue(), run.id, admin.id);
    revalidatePath("/runs");
    return { message: `Started: ${run.prompts} prompts, ${run.calls} calls.`, data: { id: run.id } };
  });
}

const generatorRows = z.array(
  z.object({ endpointId: z.string(), model: z.string(), temperature: z.string(), maxTokens: z.string(), systemPrompt: z.string() }),
);

export async function createGenerationRunAction(_: unknown, form: FormData) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const models = generatorRows.parse(JSON.parse(text(form, "models") || "[]"));
    const input = {
      projectSlug: text(form, "project"),
      name: text(form, "name"),
      targetCandidates: optionalNumber(form, "targetCandidates"),
      models,
      ...budgetsAndFilter(form),
    };
    const run = await createGenerationRun(input as unknown as GenerationRunInput, admin.id);
    await startJudgeRun(await startQueue(), run.id, admin.id);
    revalidatePath("/runs");
    const short = run.promptsShort ? ` ${run.promptsShort} prompts cannot reach the target with these models.` : "";
    return { message: `Started: ${run.completions} completions for ${run.prompts} prompts.${short}`, data: { id: run.id } };
  });
}

const runId = z.uuid("not a run id");
const command = z.enum(["start", "pause", "resume", "cancel"]);

export async function controlRunAction(id: string, commandName: "start" | "pause" | "resume" | "cancel") {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const run = runId.parse(id);
    command.parse(commandName);
    if (commandName === "pause") await pauseJudgeRun(run, admin.id);
    if (commandName === "cancel") await cancelJudgeRun(run, admin.id);
    if (commandName === "resume") await resumeJudgeRun(await startQueue(), run, admin.id);
    if (commandName === "start") await startJudgeRun(await startQueue(), run, admin.id);
    revalidatePath(`/runs/${run}`);
    const said = {
      start: "Started.",
      pause: "Paused: calls in flight finish, nothing new starts.",
      resume: "Resumed.",
      cancel: "Cancelled.",
    };
    return { message: said[commandName] };
  });
}
