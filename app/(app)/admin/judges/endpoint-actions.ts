"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { actionResult } from "@/lib/actions/action-result";
import { requireRole } from "@/lib/auth/guard";
import { AppError } from "@/lib/errors/app-error";
import { archiveEndpoint, restoreEndpoint, testEndpointConnection, updateEndpoint } from "@/lib/judge/endpoint-admin";
import { parsePrices } from "@/lib/judge/endpoint-prices";

// Editing, archiving and testing an endpoint (adding one lives in ./actions.ts).

const endpointId = z.uuid("not an endpoint id");

export async function updateEndpointAction(id: string, _: unknown, form: FormData) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const endpoint = await updateEndpoint(
      endpointId.parse(id),
      {
        name: String(form.get("name") ?? ""),
        baseUrl: String(form.get("baseUrl") ?? ""),
        apiKeyEnv: String(form.get("apiKeyEnv") ?? ""),
        modelPrices: parsePrices(String(form.get("prices") ?? "")),
        supportsStructuredOutput: form.get("structured") === "on",
        supportsBatch: form.get("batch") === "on",
      },
      admin.id,
    );
    revalidatePath("/admin/judges");
    return { message: `Saved the endpoint ${endpoint.name}.` };
  });
}

export async function archiveEndpointAction(id: string) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    const outcome = await archiveEndpoint(endpointId.parse(id), admin.id);
    revalidatePath("/admin/judges");
    return {
      message: outcome === "deleted" ? "Deleted: no run had used it." : "Archived: runs that used it keep it; new runs cannot choose it.",
    };
  });
}

export async function restoreEndpointAction(id: string) {
  const admin = await requireRole("ADMIN");
  return actionResult(async () => {
    await restoreEndpoint(endpointId.parse(id), admin.id);
    revalidatePath("/admin/judges");
    return { message: "Restored: new runs can choose it again." };
  });
}

export async function testEndpointAction(id: string, model: string) {
  await requireRole("ADMIN");
  return actionResult(async () => {
    const result = await testEndpointConnection(endpointId.parse(id), z.string().max(200).parse(model));
    if (!result.ok)
      throw new AppError(
        "INVALID_INPUT",
        `Failed${result.latencyMs === null ? "" : ` after ${result.latencyMs} ms`} asking ${result.requestedModel}: ${result.error}`,
        "model",
      );
    return {
      message: `Connected in ${result.latencyMs} ms; ${result.model} answered${result.model === result.requestedModel ? "" : ` (asked for ${result.requestedModel})`}.`,
    };
  });
}
