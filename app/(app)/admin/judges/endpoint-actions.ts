"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { idSchema } from "@/lib/core/ids";
import { AppError } from "@/lib/errors/app-error";
import { archiveEndpoint, restoreEndpoint, testEndpointConnection, updateEndpoint } from "@/lib/judge/endpoint-admin";
import { parsePrices } from "@/lib/judge/endpoint-prices";
import { endpointForm } from "./endpoint-form";

// Editing, archiving and testing an endpoint (adding one lives in ./actions.ts).

const endpointId = idSchema("an endpoint");

export async function updateEndpointAction(id: string, _: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: endpointForm, form }, async ({ user, input }) => {
    const endpoint = await updateEndpoint(
      endpointId.parse(id),
      {
        name: input.name,
        baseUrl: input.baseUrl,
        apiKeyEnv: input.apiKeyEnv,
        modelPrices: parsePrices(input.prices),
        supportsStructuredOutput: input.structured,
        supportsBatch: input.batch,
      },
      user.id,
    );
    revalidatePath("/admin/judges");
    return { message: `Saved the endpoint ${endpoint.name}.` };
  });
}

export async function archiveEndpointAction(id: string) {
  return action({ roles: ["ADMIN"] }, async ({ user }) => {
    const outcome = await archiveEndpoint(endpointId.parse(id), user.id);
    revalidatePath("/admin/judges");
    return {
      message: outcome === "deleted" ? "Deleted: no run had used it." : "Archived: runs that used it keep it; new runs cannot choose it.",
    };
  });
}

export async function restoreEndpointAction(id: string) {
  return action({ roles: ["ADMIN"] }, async ({ user }) => {
    await restoreEndpoint(endpointId.parse(id), user.id);
    revalidatePath("/admin/judges");
    return { message: "Restored: new runs can choose it again." };
  });
}

export async function testEndpointAction(id: string, model: string) {
  return action({ roles: ["ADMIN"] }, async () => {
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
