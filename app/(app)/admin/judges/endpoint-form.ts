import { z } from "zod";
import { formField } from "@/lib/actions/form-data";

/** The endpoint form's fields, for adding (./actions.ts) and editing (./endpoint-actions.ts); the endpoint schema validates the values. */
export const endpointForm = z.object({
  name: formField.text(),
  baseUrl: formField.text(),
  apiKeyEnv: formField.text(),
  prices: formField.text(),
  structured: formField.checkbox(),
  batch: formField.checkbox(),
});
