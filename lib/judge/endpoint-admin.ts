import "server-only";
import OpenAI from "openai";
import { writeAudit } from "@/lib/audit/audit-entry";
import { db } from "@/lib/db/prisma";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError, isUniqueViolation } from "@/lib/errors/app-error";
import { transportProblem } from "@/lib/judge/call-judge";
import { endpointInput, looksLikeAKey, type EndpointInput } from "@/lib/judge/endpoints";

/**
 * What an admin does with an endpoint after adding it: check that a run can use it, edit it,
 * archive it (or delete it when no run used it), and test it with one cheap call.
 */

/** Why a run on this endpoint could not work from this server, or null when it can. */
export function endpointUnusableReason(endpoint: { name: string; apiKeyEnv: string; archivedAt: Date | null }): string | null {
  if (endpoint.archivedAt) return `The endpoint "${endpoint.name}" is archived; choose another one or restore it.`;
  if (!process.env[endpoint.apiKeyEnv])
    return `The environment variable ${endpoint.apiKeyEnv} (the API key of the endpoint "${endpoint.name}") is not set on this server: every call would fail. Set it and restart, or choose another endpoint.`;
  return null;
}

/** Refuses, with the reason, a run on an endpoint that cannot work (no such endpoint, archived, key not set). */
export async function assertEndpointUsable(endpointId: string, field: string): Promise<{ id: string; supportsBatch: boolean }> {
  const endpoint = await db().llmEndpoint.findUnique({
    where: { id: endpointId },
    select: { id: true, name: true, apiKeyEnv: true, archivedAt: true, supportsBatch: true },
  });
  if (!endpoint) throw new AppError("INVALID_INPUT", "No such endpoint.", field);
  const reason = endpointUnusableReason(endpoint);
  if (reason) throw new AppError("INVALID_INPUT", reason, field);
  return endpoint;
}

/** Changes an endpoint; the same rules as adding one. Runs keep pointing at it. */
export async function updateEndpoint(id: string, input: EndpointInput, actorId: string | null) {
  if (typeof input.apiKeyEnv === "string" && looksLikeAKey(input.apiKeyEnv.trim()))
    throw new AppError(
      "INVALID_INPUT",
      "This looks like an API key. Put the key in an environment variable on the servers and enter the variable's name here.",
      "apiKeyEnv",
    );
  const data = endpointInput.parse(input);
  try {
    return await withTransaction(
      async (tx) => {
        const before = await tx.llmEndpoint.findUnique({
          where: { id },
          select: { name: true, baseUrl: true, apiKeyEnv: true, modelPrices: true, supportsStructuredOutput: true, supportsBatch: true },
        });
        if (!before) throw new AppError("NOT_FOUND", "No such endpoint.");
        const endpoint = await tx.llmEndpoint.update({ where: { id }, data, select: { id: true, name: true } });
        await writeAudit(tx, { actorId, action: "endpoint.update", entityType: "llm_endpoint", entityId: id, before, after: data });
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
 * Archives an endpoint that runs used (they keep their history and can still be read) or
 * deletes one no run used. Either way it no longer appears for new runs.
 */
export async function archiveEndpoint(id: string, actorId: string | null): Promise<"archived" | "deleted"> {
  return withTransaction(async (tx) => {
    const endpoint = await queryOne<{ id: string; name: string; archivedAt: Date | null }>(
      tx,
      sql`SELECT id, name, archived_at FROM llm_endpoints WHERE id = ${id}::uuid`,
    );
    if (!endpoint) throw new AppError("NOT_FOUND", "No such endpoint.");
    // Lock the row: a run created meanwhile must not end up pointing at a deleted endpoint.
    await execute(tx, sql`SELECT 1 FROM llm_endpoints WHERE id = ${id}::uuid FOR UPDATE`);
    // Judge runs point at it; generation runs name it for one of their models.
    const counted = await queryOne<{ n: number }>(
      tx,
      sql`SELECT count(*)::int AS n FROM judge_runs r
       WHERE r.endpoint_id = ${id}::uuid
          OR (jsonb_typeof(r.config->'models') = 'array' AND EXISTS (SELECT 1 FROM jsonb_array_elements(r.config->'models') m WHERE m->>'endpointId' = ${id}))`,
    );
    const used = counted!.n;
    if (used === 0) {
      await execute(tx, sql`DELETE FROM llm_endpoints WHERE id = ${id}::uuid`);
      await writeAudit(tx, {
        actorId,
        action: "endpoint.delete",
        entityType: "llm_endpoint",
        entityId: id,
        before: { name: endpoint.name },
      });
      return "deleted";
    }
    if (!endpoint.archivedAt) {
      // As Prisma's update did: archived_at and the @updatedAt column set from the application's clock.
      const now = new Date();
      await execute(tx, sql`UPDATE llm_endpoints SET archived_at = ${now}, updated_at = ${now} WHERE id = ${id}::uuid`);
      await writeAudit(tx, { actorId, action: "endpoint.archive", entityType: "llm_endpoint", entityId: id, after: { runs: used } });
    }
    return "archived";
  });
}

/** Makes an archived endpoint available to new runs again. */
export async function restoreEndpoint(id: string, actorId: string | null): Promise<void> {
  await withTransaction(
    async (tx) => {
      const updated = await tx.llmEndpoint.updateMany({ where: { id, archivedAt: { not: null } }, data: { archivedAt: null } });
      if (updated.count === 0) throw new AppError("NOT_FOUND", "No archived endpoint with this id.");
      await writeAudit(tx, { actorId, action: "endpoint.restore", entityType: "llm_endpoint", entityId: id });
    },
    { via: "prisma" },
  );
}

export type ConnectionTest =
  | { ok: true; latencyMs: number; model: string; requestedModel: string }
  | { ok: false; latencyMs: number | null; requestedModel: string; error: string };

/**
 * One cheap call to the endpoint (a one-token answer to "ping", no retries, 20 s at most): says
 * whether the key variable is set, the endpoint answers and the model exists, how long it took,
 * and which model answered (providers name the exact version).
 */
export async function testEndpointConnection(
  id: string,
  model: string | undefined,
  options: { timeoutMs?: number } = {},
): Promise<ConnectionTest> {
  const endpoint = await db().llmEndpoint.findUnique({ where: { id }, select: { baseUrl: true, apiKeyEnv: true, modelPrices: true } });
  if (!endpoint) throw new AppError("NOT_FOUND", "No such endpoint.");
  const requestedModel = model?.trim() || Object.keys((endpoint.modelPrices ?? {}) as object)[0];
  if (!requestedModel) throw new AppError("INVALID_INPUT", "Name a model to test with (this endpoint has no priced models).", "model");
  const apiKey = process.env[endpoint.apiKeyEnv];
  if (!apiKey)
    return {
      ok: false,
      latencyMs: null,
      requestedModel,
      error: `The environment variable ${endpoint.apiKeyEnv} is not set on this server.`,
    };
  // A client of its own: no retries, a short timeout, and none of the run's request accounting.
  const client = new OpenAI({ baseURL: endpoint.baseUrl, apiKey, maxRetries: 0, timeout: options.timeoutMs ?? 20_000 });
  const started = performance.now();
  try {
    const completion = await client.chat.completions.create({
      model: requestedModel,
      messages: [{ role: "user", content: "ping" }],
      max_tokens: 1,
      temperature: 0,
    });
    return { ok: true, latencyMs: Math.round(performance.now() - started), model: completion.model || requestedModel, requestedModel };
  } catch (error) {
    return { ok: false, latencyMs: Math.round(performance.now() - started), requestedModel, error: transportProblem(error) };
  }
}
