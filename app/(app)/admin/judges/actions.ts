"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { action } from "@/lib/actions/action";
import { formField } from "@/lib/actions/form-data";
import { endpointForm } from "./endpoint-form";
import { parsePrices } from "@/lib/judge/endpoint-prices";
import { createEndpoint } from "@/lib/judge/endpoints";
import { editTemplate } from "@/lib/judge/judge-templates";

const templateForm = z.object({ name: formField.text(), systemPrompt: formField.text(), userTemplate: formField.text() });

export async function createEndpointAction(_: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: endpointForm, form }, async ({ user, input }) => {
    const endpoint = await createEndpoint(
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
    return { message: `Added the endpoint ${endpoint.name}.` };
  });
}

export async function editTemplateAction(key: string, _: unknown, form: FormData) {
  return action({ roles: ["ADMIN"], schema: templateForm, form }, async ({ user, input }) => {
    const created = await editTemplate(key, input, user.id);
    revalidatePath("/admin/judges");
    return { message: `Saved as version ${created.version}; earlier versions stay as they were.` };
  });
}
