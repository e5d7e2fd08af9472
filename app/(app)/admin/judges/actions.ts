"use server";

import { revalidatePath } from "next/cache";
import { actionResult } from "@/lib/actions/action-result";
import { requireRole } from "@/lib/auth/guard";
import { parsePrices } from "@/lib/judge/endpoint-prices";
import { createEndpoint } from "@/lib/judge/endpoints";
import { editTemplate } from "@/lib/judge/judge-templates";

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
    const created = await editTemplate(
      key,
      {
        name: String(form.get("name") ?? ""),
        systemPrompt: String(form.get("systemPrompt") ?? ""),
        userTemplate: String(form.get("userTemplate") ?? ""),
      },
      admin.id,
    );
    revalidatePath("/admin/judges");
    return { message: `Saved as version ${created.version}; earlier versions stay as they were.` };
  });
}
