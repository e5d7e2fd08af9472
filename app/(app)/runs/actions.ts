"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { formField } from "@/lib/actions/form-data";
import { idSchema } from "@/lib/core/ids";
import { judgeRunInput } from "@/lib/judge/runs/create-judge-run";
import { controlRun, createAndStartGenerationRun, createAndStartJudgeRun, runCommand } from "@/lib/judge/run-commands";

// Form fields arrive as text; the run schemas coerce and validate them (blank = the schema's default).

/** Budgets, seed and prompt filter: the same fields on both run forms. */
const budgetsAndFilter = {
  maxConcurrency: formField.optional(),
  budgetCalls: formField.optional(),
  budgetTokens: formField.optional(),
  budgetCostUsd: formField.optional(),
  seed: formField.optional(),
  sources: formField.commaList(),
  types: formField.commaList(),
  withoutHumanRankings: formField.checkbox(),
  sample: formField.optional(),
};

const judgeRunForm = z
  .object({
    project: formField.trimmed(),
    name: formField.trimmed(),
    endpointId: formField.trimmed(),
    model: formField.trimmed(),
    templateId: formField.trimmed(),
    temperature: formField.optional(),
    permutations: formField.optional(),
    maxRepairs: formField.optional(),
    mode: formField.optional().pipe(judgeRunInput.shape.mode),
    ...budgetsAndFilter,
  })
  .transform(({ project, sources, types, withoutHumanRankings, sample, ...run }) => ({
    ...run,
    projectSlug: project,
    filter: { sources, types, withoutHumanRankings, sample },
  }));

const generatorRows = z.array(
  z.object({ endpointId: z.string(), model: z.string(), temperature: z.string(), maxTokens: z.string(), systemPrompt: z.string() }),
);

const generationRunForm = z
  .object({
    project: formField.trimmed(),
    name: formField.trimmed(),
    targetCandidates: formField.optional(),
    models: formField.json("[]").pipe(generatorRows),
    ...budgetsAndFilter,
  })
  .transform(({ project, sources, types, withoutHumanRankings, sample, ...run }) => ({
    ...run,
    projectSlug: project,
    filter: { sources, types, withoutHumanRankings, sample },
  }));

/** Creates a judge run and, when asked, starts it at once. */
export async function createJudgeRunAction(_: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: judgeRunForm, form }, async ({ user, input }) => {
    const run = await createAndStartJudgeRun(input, user.id);
    revalidatePath("/runs");
    return { message: `Started: ${run.prompts} prompts, ${run.calls} calls.`, data: { id: run.id } };
  });
}

export async function createGenerationRunAction(_: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: generationRunForm, form }, async ({ user, input }) => {
    const run = await createAndStartGenerationRun(input, user.id);
    revalidatePath("/runs");
    const short = run.promptsShort ? ` ${run.promptsShort} prompts cannot reach the target with these models.` : "";
    return { message: `Started: ${run.completions} completions for ${run.prompts} prompts.${short}`, data: { id: run.id } };
  });
}

const runId = idSchema("a run");

export async function controlRunAction(id: string, commandName: "start" | "pause" | "resume" | "cancel") {
  return action({ roles: ["ADMIN"] }, async ({ user }) => {
    const run = runId.parse(id);
    const message = await controlRun(run, runCommand.parse(commandName), user.id);
    revalidatePath(`/runs/${run}`);
    return { message };
  });
}
