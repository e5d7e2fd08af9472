import "server-only";
import OpenAI from "openai";
import { env } from "@/lib/config/env";
import {
  EndpointRefusedError,
  endpointPolicy,
  endpointUrlProblem,
  keyVarProblem,
  refusingLookup,
  type EndpointPolicy,
} from "@/lib/judge/endpoint-policy";
import { endpointFetch } from "@/lib/judge/endpoint-fetch";
import { ledgerFetch } from "@/lib/judge/runs/send-ledger";
import { parseJudgeAnswer, repairMessage, type JudgeAnswer } from "@/lib/judge/judge-answer";
import { judgeResponseFormat, KEEP_CRITIQUES } from "@/lib/judge/judge-critiques";
import type { CritiqueTaxonomy } from "@/lib/critiques/taxonomy";

/** One HTTP exchange with the judge, as stored (the API key is never part of it). */
export interface JudgeAttempt {
  request: {
    model: string;
    temperature: number;
    messages: { role: "system" | "user" | "assistant"; content: string }[];
    response_format?: unknown;
  };
  response: unknown;
  content: string | null;
  problems: string[];
  inputTokens: number;
  outputTokens: number;
  latencyMs: number;
}

/** `transport` marks a call that got no answer at all (after the SDK's own retries). */
export type JudgeOutcome =
  | { ok: true; answer: JudgeAnswer; attempts: JudgeAttempt[] }
  | { ok: false; attempts: JudgeAttempt[]; problems: string[]; transport: boolean };

export interface JudgeCallOptions {
  client: OpenAI;
  model: string;
  temperature: number;
  systemPrompt: string;
  userPrompt: string;
  candidates: number;
  structuredOutputs: boolean;
  /** The taxonomy the judge tags critique spans in, when the template asks for them (Structured Outputs then include the list). */
  critiques?: CritiqueTaxonomy | null;
  /** Repair rounds after an invalid answer (default 2). */
  maxRepairs: number;
  /** Options of every request (a run unit's send ledger). */
  requestOptions?: OpenAI.RequestOptions;
}

/**
 * Asks a judge to rank N shown candidates. With Structured Outputs the answer follows a JSON
 * schema; otherwise the JSON is extracted from the text. An answer that does not rank exactly
 * the shown candidates gets a short repair message, up to `maxRepairs` times; then the call has
 * failed, every raw response kept. Transport errors (429 with Retry-After, 5xx, timeouts) are
 * retried by the SDK with exponential backoff and jitter; when they persist the outcome says so.
 */
export async function callJudge(o: JudgeCallOptions): Promise<JudgeOutcome> {
  const messages: JudgeAttempt["request"]["messages"] = [
    { role: "system", content: o.systemPrompt },
    { role: "user", content: o.userPrompt },
  ];
  const attempts: JudgeAttempt[] = [];
  for (let round = 0; round <= o.maxRepairs; round++) {
    const request: JudgeAttempt["request"] = {
      model: o.model,
      temperature: o.temperature,
      messages: [...messages],
      ...(o.structuredOutputs ? { response_format: judgeResponseFormat(o.candidates, o.critiques ?? null) } : {}),
    };
    const started = performance.now();
    let completion: OpenAI.Chat.ChatCompletion;
    try {
      completion = await o.client.chat.completions.create(request as OpenAI.Chat.ChatCompletionCreateParamsNonStreaming, o.requestOptions);
    } catch (error) {
      const problem = transportProblem(error);
      attempts.push({
        request,
        response: null,
        content: null,
        problems: [problem],
        inputTokens: 0,
        outputTokens: 0,
        latencyMs: Math.round(performance.now() - started),
      });
      // A refusal by the endpoint policy is final: retrying cannot change it.
      return {
        ok: false,
        attempts,
        problems: [problem],
        transport: !((error as { cause?: unknown }).cause instanceof EndpointRefusedError),
      };
    }
    const content = completion.choices[0]?.message?.content ?? null;
    const parsed = content === null ? { ok: false as const, problems: ["the answer is empty"] } : parseJudgeAnswer(content, o.candidates);
    attempts.push({
      request,
      response: completion,
      content,
      problems: parsed.ok ? [] : parsed.problems,
      inputTokens: completion.usage?.prompt_tokens ?? 0,
      outputTokens: completion.usage?.completion_tokens ?? 0,
      latencyMs: Math.round(performance.now() - started),
    });
    if (parsed.ok) return { ok: true, answer: parsed.answer, attempts };
    messages.push(
      { role: "assistant", content: content ?? "" },
      { role: "user", content: repairMessage(parsed.problems, o.candidates) + (o.critiques ? KEEP_CRITIQUES : "") },
    );
  }
  return { ok: false, attempts, problems: attempts.at(-1)?.problems ?? [], transport: false };
}

/** "HTTP 500: …", "Request timed out.", "Connection error." — what a person reading the failure needs. */
export function transportProblem(error: unknown): string {
  const e = error as { status?: number; message?: string; cause?: unknown };
  // The SDK wraps a refusal of the endpoint policy in a generic "Connection error.".
  if (e.cause instanceof EndpointRefusedError) return e.cause.message;
  return `${e.status ? `HTTP ${e.status}: ` : ""}${e.message ?? String(error)}`.slice(0, 2000);
}

/**
 * fetch for endpoint calls: the endpoint policy is checked again on every request (an endpoint
 * saved before the rules is never sent to), by name before it and by address where it connects (a
 * DNS name now pointing at a metadata address), and redirects are not followed (a 30x could lead
 * anywhere).
 */
export function policedFetch(policy: EndpointPolicy): typeof fetch {
  return async (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    const problem = endpointUrlProblem(url, policy);
    if (problem) throw new EndpointRefusedError(`Refused by the endpoint policy: ${problem}`);
    try {
      return await send(input, { ...init, redirect: "error" });
    } catch (error) {
      // Refused at connect time: the refusal itself, as when refused before the call.
      throw (error as { cause?: unknown }).cause instanceof EndpointRefusedError ? (error as { cause: Error }).cause : error;
    }
  };
}
const send = endpointFetch({ lookup: refusingLookup() });

/** An SDK client for an endpoint; the key is read from the named environment variable, never stored. */
export function judgeClient(
  endpoint: { baseUrl: string; apiKeyEnv: string },
  options: { timeoutMs?: number; maxRetries?: number } = {},
): OpenAI {
  const policy = endpointPolicy(env());
  const keyProblem = keyVarProblem(endpoint.apiKeyEnv, policy);
  if (keyProblem) throw new EndpointRefusedError(`Refused by the endpoint policy: ${keyProblem}`);
  const apiKey = process.env[endpoint.apiKeyEnv];
  if (!apiKey) throw new Error(`The environment variable ${endpoint.apiKeyEnv} (this endpoint's API key) is not set on this server.`);
  const timeout = options.timeoutMs ?? env().MEDPREF_JUDGE_TIMEOUT_MS;
  const maxRetries = options.maxRetries ?? 4;
  // One client (and its keep-alive connections) per endpoint and key, not one per call.
  const cacheKey = JSON.stringify([endpoint.baseUrl, apiKey, timeout, maxRetries]);
  let client = clients.get(cacheKey);
  if (!client) {
    // The policy re-checks the host on every request; the ledger writes each request of a run unit
    // down before it is sent (the SDK's retries too).
    client = new OpenAI({ baseURL: endpoint.baseUrl, apiKey, timeout, maxRetries, fetch: ledgerFetch(policedFetch(policy)) });
    clients.set(cacheKey, client);
  }
  return client;
}
const clients = new Map<string, OpenAI>();
