import "server-only";
import { z } from "zod";
import { writeAudit } from "@/lib/audit/audit-entry";
import { env } from "@/lib/config/env";
import { db } from "@/lib/db/prisma";
import { withTransaction } from "@/lib/db/transaction";
import { endpointHostProblem, endpointPolicy, keyVarProblem } from "@/lib/judge/endpoint-policy";
import { AppError, isUniqueViolation } from "@/lib/errors/app-error";
import { safeName } from "@/lib/text/safe-text";

/**
 * OpenAI-compatible endpoints for judges and generators. The API key itself is never stored:
 * only the name of the environment variable that holds it on the servers.
 */
const price = z.object({ inputPerMTok: z.coerce.number().min(0).max(10_000), outputPerMTok: z.coerce.number().min(0).max(10_000) });

export const endpointInput = z.object({
  name: safeName().trim().min(1, "an endpoint needs a name").max(100),
  baseUrl: z
    .string()
    .trim()
    .url("must be a URL such as https://api.openai.com/v1")
    .refine((u) => /^https?:\/\//.test(u), "must start with http:// or https://")
    .transform((u) => u.replace(/\/+$/, "")),
  apiKeyEnv: z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, "the NAME of an environment variable (letters, digits, underscores), not the key itself"),
  modelPrices: z.record(safeName().min(1).max(200), price).default({}),
  supportsStructuredOutput: z.boolean().default(false),
  supportsBatch: z.boolean().default(false),
});
export type EndpointInput = z.input<typeof endpointInput>;

/** Looks like a secret pasted where a variable name belongs (sk-…, long random strings). */
export function looksLikeAKey(value: string): boolean {
  return /^(sk|pk|rk)[-_]/i.test(value) || (value.length >= 32 && /\d/.test(value) && /[a-z]/.test(value) && /[A-Z]/.test(value));
}

export async function createEndpoint(input: EndpointInput, actorId: string | null) {
  if (typeof input.apiKeyEnv === "string" && looksLikeAKey(input.apiKeyEnv.trim()))
    throw new AppError(
      "INVALID_INPUT",
      "This looks like an API key. Put the key in an environment variable on the servers and enter the variable's name here.",
      "apiKeyEnv",
    );
  const data = endpointInput.parse(input);
  const policy = endpointPolicy(env());
  const keyProblem = keyVarProblem(data.apiKeyEnv, policy);
  if (keyProblem)
    throw new AppError("INVALID_INPUT", `Key variable: ${keyProblem}`, "apiKeyEnv", [{ field: "apiKeyEnv", message: keyProblem }]);
  const hostProblem = await endpointHostProblem(data.baseUrl, policy, { unresolvable: "allow" });
  if (hostProblem) throw new AppError("INVALID_INPUT", `Base URL: ${hostProblem}`, "baseUrl", [{ field: "baseUrl", message: hostProblem }]);
  try {
    return await withTransaction(
      async (tx) => {
        const endpoint = await tx.llmEndpoint.create({ data, select: { id: true, name: true } });
        await writeAudit(tx, { actorId, action: "endpoint.create", entityType: "llm_endpoint", entityId: endpoint.id, after: data });
        return endpoint;
      },
      { via: "prisma" },
    );
  } catch (e) {
    if (isUniqueViolation(e)) throw new AppError("CONFLICT", `An endpoint named "${data.name}" already exists.`, "name");
    throw e;
  }
}

/**
 * Endpoints with whether their key variable is allowed and set on this server (never its value).
 * Presence is told only for allowed names, so the page cannot be used to probe other variables.
 */
export async function listEndpoints() {
  const policy = endpointPolicy(env());
  const rows = await db().llmEndpoint.findMany({ orderBy: { name: "asc" } });
  return rows.map((e) => {
    const keyRefused = keyVarProblem(e.apiKeyEnv, policy);
    return { ...e, keyRefused, keyPresent: keyRefused ? null : Boolean(process.env[e.apiKeyEnv]) };
  });
}

/** Estimated cost in USD of a call, from the endpoint's per-model prices (null when unpriced). */
export function estimateCostUsd(modelPrices: unknown, model: string, inputTokens: number, outputTokens: number): number | null {
  const prices = (modelPrices as Record<string, { inputPerMTok: number; outputPerMTok: number }> | null)?.[model];
  if (!prices) return null;
  return (inputTokens * prices.inputPerMTok + outputTokens * prices.outputPerMTok) / 1_000_000;
}
