"use server";

import { revalidatePath } from "next/cache";
import { actionResult } from "@/lib/actions/action-result";
import { requireRole } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors/app-error";
import { createEndpoint } from "@/lib/judge/endpoints";
import { editTemplate } from "@/lib/judge/judge-templates";

/** "gpt-4o = 2.5 / 10" per line → {"gpt-4o": {inputPerMTok: 2.5, outputPerMTok: 10}}. */
function parsePrices(text: string) {
  const prices: Record<string, { inputPerMTok: string; outputPerMTok: string }> = {};
  for (const line of text.split("\n").map((l) => l.trim()).filter(Boolean)) {
    const m = /^(.+?)\s*=\s*([\d.]+)\s*\/\s*([\d.]+)$/.exec(line);
    if (!m) throw new AppError("INVALID_INPUT", `Prices: write each line as "model = input / output" in USD per 1M tokens (got "${line}").`, "prices");
    prices[m[1]!] = { inputPerMTok: m[2]!, outputPerMTok: m[3]! };
  }
  return prices;
}

export async function createEndpointAction(_: unknown, form: FormData) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const modelPrices = parsePrices(String(form.get("prices") ?? ""));
    const endpoint = await createEndpoint(
      {
        name: String(form.get("name") ?? ""),
        baseUrl: String(form.get("baseUrl") ?? ""),
        apiKeyEnv: String(form.get("apiKeyEnv") ?? ""),
        modelPrices,
        supportsStructuredOutput: form.get("structured") === "on",
        supportsBatch: form.get("batch") === "on",
      },
      admin.id,
    );
    revalidatePath("/admin/judges");
    return { message: `Added the endpoint ${endpoint.name}.` };
  });
}

export async function editTemplateAction(key: string, _: unknown, form: FormData) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const created = await editTemplate(key, { name: String(form.get("name") ?? ""), systemPrompt: String(form.get("systemPrompt") ?? ""), userTemplate: String(form.get("userTemplate") ?? "") }, admin.id);
    revalidatePath("/admin/judges");
    return { message: `Saved as version ${created.version}; earlier versions stay as they were.` };
  });
}
