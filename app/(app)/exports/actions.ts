"use server";

import { revalidatePath } from "next/cache";
import { actionResult } from "@/lib/actions/action-result";
import { createApiToken, revokeApiToken } from "@/lib/auth/api-tokens";
import { requireRole } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors/app-error";
import { parseSplitList, type ExportConfigInput } from "@/lib/export/export-config";
import { createExport } from "@/lib/export/export-jobs";
import { startQueue } from "@/lib/jobs/queue";

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
const number = (form: FormData, name: string) => (text(form, name) === "" ? undefined : Number(text(form, name)));
const list = (form: FormData, name: string) =>
  text(form, name)
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);

/** Reads the builder form into a configuration; the export schema validates it. */
function configFromForm(form: FormData): ExportConfigInput {
  let splits;
  try {
    splits = parseSplitList(text(form, "splits") || "train=0.9,validation=0.05,test=0.05");
  } catch (e) {
    throw new AppError("INVALID_INPUT", (e as Error).message, "splits");
  }
  const source = text(form, "source") || "humans";
  return {
    projects: form.getAll("projects").map(String),
    source,
    judgeRuns: source === "humans" ? [] : form.getAll("judgeRuns").map(String).filter(Boolean),
    aggregation: text(form, "aggregation") || undefined,
    minHumanRankings: number(form, "minHumanRankings"),
    sourceDatasets: list(form, "sourceDatasets"),
    promptTypes: list(form, "promptTypes"),
    minAgreement: number(form, "minAgreement") ?? null,
    excludeFlaggedChosen: form.get("excludeFlaggedChosen") === "on",
    excludeGold: form.get("excludeGold") === "on",
    strategy: text(form, "strategy") || undefined,
    margin: number(form, "margin"),
    topK: number(form, "topK"),
    quantile: number(form, "quantile"),
    ktoCut: text(form, "ktoCut") || undefined,
    format: text(form, "format") || undefined,
    dpoStyle: text(form, "dpoStyle") || undefined,
    fileType: text(form, "fileType") || undefined,
    splits,
    seed: number(form, "seed"),
    categories: form.get("categories") === "on",
    license: text(form, "license") || undefined,
  } as ExportConfigInput;
}

export async function createExportAction(_: unknown, form: FormData) {
  const user = await requireRole("ADMIN", "RESEARCHER");
  return actionResult(async () => {
    const id = await createExport(await startQueue(), configFromForm(form), { name: text(form, "name"), actorId: user.id });
    revalidatePath("/exports");
    return { message: "Export queued.", data: { id } };
  });
}

export async function createApiTokenAction(_: unknown, form: FormData) {
  const user = await requireRole("ADMIN", "RESEARCHER");
  return actionResult(async () => {
    const { token } = await createApiToken(user.id, { name: text(form, "name"), expiresInDays: number(form, "expiresInDays") ?? null });
    revalidatePath("/exports/tokens");
    return { message: "Token created. Copy it now: it is not shown again.", data: { token } };
  });
}

export async function revokeApiTokenAction(tokenId: string) {
  const user = await requireRole("ADMIN", "RESEARCHER");
  return actionResult(async () => {
    await revokeApiToken(user, tokenId);
    revalidatePath("/exports/tokens");
    return { message: "Token revoked." };
  });
}
