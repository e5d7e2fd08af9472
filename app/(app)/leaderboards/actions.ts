"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { formField } from "@/lib/actions/form-data";
import { idSchema } from "@/lib/core/ids";
import { createAndStartJudgeEvaluation } from "@/lib/judge/run-commands";
import { LEADERBOARD_TARGETS } from "@/lib/rm-eval/queries";

// Form fields arrive as text; judgeEvaluationInput coerces and validates them (blank = its default).
const judgeEvaluationForm = z
  .object({
    target: formField.trimmed().pipe(z.enum(LEADERBOARD_TARGETS)),
    id: formField.trimmed().pipe(idSchema("a benchmark")),
    name: formField.trimmed(),
    notes: formField.trimmed(),
    endpointId: formField.trimmed(),
    model: formField.trimmed(),
    templateId: formField.trimmed(),
    temperature: formField.optional(),
    maxRepairs: formField.optional(),
    maxConcurrency: formField.optional(),
    budgetCalls: formField.optional(),
    budgetTokens: formField.optional(),
    budgetCostUsd: formField.optional(),
  })
  .transform(({ target, id, ...input }) => ({ ref: target === "set" ? { setId: id } : { exportId: id }, input }));

/** Starts an LLM endpoint's evaluation as a generative judge on a leaderboard's pairs (admins: it spends the endpoint's budget). */
export async function createJudgeEvaluationAction(_: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: judgeEvaluationForm, form }, async ({ user, input }) => {
    const created = await createAndStartJudgeEvaluation(input.ref, input.input, user.id);
    revalidatePath("/leaderboards/[target]/[id]", "page");
    return {
      message: `Started: ${created.pairs} pairs, ${created.calls} calls (each pair in both orders). The leaderboard row fills in as the judge answers.`,
      data: { runId: created.runId },
    };
  });
}
