import "server-only";
import { createHash } from "node:crypto";
import { CallStatus } from "@/generated/prisma/enums";
import type { Message } from "@/lib/core/messages";
import { pool } from "@/lib/db/pool";
import { queryOne, sql } from "@/lib/db/sql";
import { AppError } from "@/lib/errors/app-error";
import type { JudgeAttempt } from "@/lib/judge/call-judge";
import { repairMessage } from "@/lib/judge/judge-answer";
import { judgeResponseFormat, KEEP_CRITIQUES, runCritiqueTaxonomy } from "@/lib/judge/judge-critiques";
import type { CritiqueTag } from "@/lib/critiques/taxonomy";
import { RUN_CRITIQUE_TAXONOMY_SQL } from "@/lib/judge/runs/run-critiques";
import { shownUnit } from "@/lib/judge/runs/run-judge-call";

/**
 * The request a Batch line carries, rendered from what is stored: the prompt and its candidates,
 * the run's template version (immutable), model and parameters, the permutation, and the unit's
 * earlier calls. A Batch call does not store its request (the whole conversation with every
 * candidate, ~12 KB a line); it keeps its batch, its line there and the SHA-256 of the line's
 * bytes, and `callRequest` renders the request again with these same functions and checks it
 * against that hash.
 */
export interface BatchRequestRun {
  model: string;
  temperature: number;
  permutations: number;
  seed: number;
  supportsStructuredOutput: boolean;
  systemPrompt: string;
  userTemplate: string;
  /** The critique taxonomy's version kept in the run's config (null: no critiques asked) and its tags (null: the default's). */
  critiqueTaxonomyVersion: number | null;
  critiqueTags: CritiqueTag[] | null;
}

export interface BatchRequestPrompt {
  promptId: string;
  messages: Message[];
  referenceAnswer: string | null;
  completions: { id: string; text: string }[];
}

/** An earlier call of the unit as the next request builds on it (its request when stored: a live call or one from before requests were re-rendered). */
export interface EarlierCall {
  request: JudgeAttempt["request"] | null;
  answered: boolean;
  content: string | null;
  error: string | null;
}

/** The SQL of EarlierCall for judge_calls `j` (jsonb_agg it in attempt order). */
export const EARLIER_CALL_JSON = sql`json_build_object('request', j.request, 'answered', coalesce(jsonb_typeof(j.response->'choices') = 'array', false),
  'content', j.response->'choices'->0->'message'->>'content', 'error', j.error)`;

/**
 * The request of a unit after its earlier calls: fresh; after an invalid answer, that answer
 * followed by a repair message; after a line that failed on the provider's side (no answer at
 * all), the same request again — a failure that is not the judge's is not a conversation to repair.
 */
export function batchRequest(
  run: BatchRequestRun,
  prompt: BatchRequestPrompt,
  unitIndex: number,
  earlier: readonly EarlierCall[],
): { order: string[]; request: JudgeAttempt["request"] } {
  const { order, userPrompt } = shownUnit(run, prompt, unitIndex);
  const n = order.length;
  const critiques = runCritiqueTaxonomy(run.critiqueTaxonomyVersion, run.critiqueTags)?.taxonomy ?? null;
  let messages: JudgeAttempt["request"]["messages"] = [
    { role: "system", content: run.systemPrompt },
    { role: "user", content: userPrompt },
  ];
  for (const call of earlier) {
    // What that call sent: its stored request, or the one rendered so far.
    const sent = call.request && Array.isArray(call.request.messages) ? call.request.messages : messages;
    messages = call.answered
      ? [
          ...sent,
          { role: "assistant", content: call.content ?? "" },
          { role: "user", content: repairMessage((call.error ?? "").split("; "), n) + (critiques ? KEEP_CRITIQUES : "") },
        ]
      : sent;
  }
  return {
    order,
    request: {
      model: run.model,
      temperature: run.temperature,
      messages,
      ...(run.supportsStructuredOutput ? { response_format: judgeResponseFormat(n, critiques) } : {}),
    },
  };
}

export const batchCustomId = (promptId: string, unitIndex: number) => `${promptId}:${unitIndex}`;

/** A line of an input file (without its newline). */
export function batchLine(promptId: string, unitIndex: number, request: JudgeAttempt["request"]): string {
  return JSON.stringify({ custom_id: batchCustomId(promptId, unitIndex), method: "POST", url: "/v1/chat/completions", body: request });
}

/** The SHA-256 of a line's UTF-8 bytes (without its newline), given as text or as those bytes. */
export function lineSha256(line: string | Uint8Array): Buffer {
  return typeof line === "string" ? createHash("sha256").update(line, "utf8").digest() : createHash("sha256").update(line).digest();
}

/** What `callRequest` shows of a call's request. */
export type ShownRequest =
  | { source: "stored"; request: unknown }
  | {
      source: "re-rendered";
      request: JudgeAttempt["request"];
      /** The re-rendered line's SHA-256 (hex), equal to the one stored when the line was sent. */
      sha256: string;
      batchId: string | null;
      inputFileId: string | null;
      line: number;
    };

/**
 * A call's request: as stored (a live call), or for a Batch call rendered again from the stored
 * inputs and verified against the SHA-256 of the line sent ("request as sent (re-rendered, hash
 * verified)"). A request that no longer renders the same (an input changed since) is an error
 * saying so, never shown as if it had been sent.
 */
export async function callRequest(callId: string): Promise<ShownRequest> {
  const call = await queryOne<{
    runId: string;
    promptId: string;
    permutationIndex: number;
    attempt: number;
    request: unknown;
    batchId: string | null;
    batchLine: number | null;
    requestSha256: Buffer | null;
    inputFileId: string | null;
  }>(
    pool(),
    sql`SELECT c.run_id, c.prompt_id, c.permutation_index, c.attempt, c.request, c.batch_id, c.batch_line, c.request_sha256, b.input_file_id
          FROM judge_calls c LEFT JOIN judge_batches b ON b.id = c.batch_id WHERE c.id = ${callId}::uuid`,
  );
  if (!call) throw new AppError("NOT_FOUND", "No such call.");
  if (call.request !== null || call.requestSha256 === null || call.batchLine === null) return { source: "stored", request: call.request };
  const inputs = await queryOne<BatchRequestRun & BatchRequestPrompt & { earlier: EarlierCall[] | null }>(
    pool(),
    sql`SELECT r.model, r.temperature, r.permutations, r.seed, e.supports_structured_output, t.system_prompt, t.user_template, ${RUN_CRITIQUE_TAXONOMY_SQL},
               p.id AS prompt_id, p.messages, p.reference_answer,
               (SELECT json_agg(json_build_object('id', c.id, 'text', c.text) ORDER BY c.position) FROM completions c WHERE c.prompt_id = p.id) AS completions,
               (SELECT json_agg(${EARLIER_CALL_JSON} ORDER BY j.attempt) FROM judge_calls j
                 WHERE j.run_id = r.id AND j.prompt_id = p.id AND j.permutation_index = ${call.permutationIndex} AND j.attempt < ${call.attempt}
                   AND j.status = ${CallStatus.FAILED}) AS earlier
          FROM judge_runs r JOIN llm_endpoints e ON e.id = r.endpoint_id JOIN judge_templates t ON t.id = r.template_id, prompts p
         WHERE r.id = ${call.runId}::uuid AND p.id = ${call.promptId}::uuid`,
  );
  if (!inputs) throw new AppError("NOT_FOUND", "The run or prompt of this call is gone: its request cannot be rendered again.");
  const { request } = batchRequest(inputs, inputs, call.permutationIndex, inputs.earlier ?? []);
  const sha256 = lineSha256(batchLine(call.promptId, call.permutationIndex, request));
  if (!sha256.equals(call.requestSha256))
    throw new BatchRequestMismatchError(callId, call.batchLine, call.requestSha256.toString("hex"), sha256.toString("hex"));
  return {
    source: "re-rendered",
    request,
    sha256: sha256.toString("hex"),
    batchId: call.batchId,
    inputFileId: call.inputFileId,
    line: call.batchLine,
  };
}

/** The stored inputs no longer render the request a Batch call sent. */
export class BatchRequestMismatchError extends AppError {
  constructor(callId: string, line: number, sent: string, rendered: string) {
    super(
      "CONFLICT",
      `The request of call ${callId} (line ${line + 1} of its batch's input file) cannot be shown: rendered again from the stored prompt, candidates, template and run it hashes to SHA-256 ${rendered}, but the line sent hashed to ${sent}. An input changed since it was sent; the provider's copy of the input file has the original.`,
    );
  }
}
