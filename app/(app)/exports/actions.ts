"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { formField } from "@/lib/actions/form-data";
import { createApiToken, createApiTokenInput, revokeApiToken } from "@/lib/auth/api-tokens";
import { AppError } from "@/lib/errors/app-error";
import { exportConfigSchema, parseSplitList, type ExportConfigInput } from "@/lib/export/export-config";
import { createExport } from "@/lib/export/export-jobs";
import { startQueue } from "@/lib/jobs/queue";

const config = exportConfigSchema.shape;
/** A choice (select or radio): blank takes the export's default, anything else must be one of its options. */
const choice = <S extends z.ZodType<unknown, string | undefined>>(schema: S) => formField.optional().pipe(schema);

/** The builder form; the export schema validates the configuration as a whole. */
const exportForm = z.object({
  name: formField.trimmed(),
  projects: formField.all(),
  source: choice(config.source),
  judgeRuns: formField.all().transform((runs) => runs.filter(Boolean)),
  aggregation: choice(config.aggregation),
  minHumanRankings: formField.optionalNumber(),
  sourceDatasets: formField.commaList(),
  promptTypes: formField.commaList(),
  minAgreement: formField.optionalNumber().transform((n) => n ?? null),
  excludeFlaggedChosen: formField.checkbox(),
  excludeGold: formField.checkbox(),
  excludeCriticalChosen: formField.checkbox(),
  strategy: choice(config.strategy),
  margin: formField.optionalNumber(),
  topK: formField.optionalNumber(),
  quantile: formField.optionalNumber(),
  ktoCut: choice(config.ktoCut),
  format: choice(config.format),
  dpoStyle: choice(config.dpoStyle),
  fileType: choice(config.fileType),
  splits: formField.trimmed(),
  seed: formField.optionalNumber(),
  categories: formField.checkbox(),
  license: formField.optional(),
});

/** The builder form as a configuration: split text parsed, judge runs only for sources that use them. */
function configFromForm({ name: _name, splits: splitText, ...input }: z.output<typeof exportForm>): ExportConfigInput {
  let splits;
  try {
    splits = parseSplitList(splitText || "train=0.9,validation=0.05,test=0.05");
  } catch (e) {
    throw new AppError("INVALID_INPUT", (e as Error).message, "splits");
  }
  return { ...input, judgeRuns: input.source === "humans" ? [] : input.judgeRuns, splits };
}

const tokenForm = z.object({
  name: formField.trimmed(),
  expiresInDays: formField.optionalNumber().transform((n) => n ?? null),
  scopes: formField.all().pipe(createApiTokenInput.shape.scopes.unwrap()),
});

export async function createExportAction(_: unknown, form: FormData) {
  return action({ roles: ["ADMIN", "RESEARCHER"], schema: exportForm, form }, async ({ user, input }) => {
    const id = await createExport(await startQueue(), configFromForm(input), { name: input.name, actorId: user.id });
    revalidatePath("/exports");
    return { message: "Export queued.", data: { id } };
  });
}

export async function createApiTokenAction(_: unknown, form: FormData) {
  return action({ roles: ["ADMIN", "RESEARCHER"], schema: tokenForm, form }, async ({ user, input }) => {
    const { token } = await createApiToken(user, input);
    revalidatePath("/exports/tokens");
    return { message: "Token created. Copy it now: it is not shown again.", data: { token } };
  });
}

export async function revokeApiTokenAction(tokenId: string) {
  return action({ roles: ["ADMIN", "RESEARCHER"] }, async ({ user }) => {
    await revokeApiToken(user, tokenId);
    revalidatePath("/exports/tokens");
    return { message: "Token revoked." };
  });
}
