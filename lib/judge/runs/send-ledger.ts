import "server-only";
import type OpenAI from "openai";
import { CallStatus } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { coalesce } from "@/lib/judge/runs/coalesce";
import { estimateCostUsd } from "@/lib/judge/endpoints";

/**
 * Every request a run unit sends is written down before it leaves (one row in judge_call_sends)
 * and crossed out in the transaction that records the unit's outcome and spend. So "calls made"
 * counts every request sent, the SDK's own retries of a 429 or 5xx included, and a worker killed
 * between sending and recording (kill -9, power loss) leaves rows behind: requests the provider
 * may have answered and billed. Those are shown apart as "possibly paid", with an estimate.
 */
interface Ledger {
  runId: string;
  promptId: string;
  unitIndex: number;
  jobId: string | null;
  /** Ids of the rows written for this unit's requests, settled with its outcome. */
  sendIds: string[];
}

/**
 * Where a unit's ledger travels with its requests: a key of the fetch options handed to the SDK,
 * which passes them to its fetch with every request it sends (its own retries too). A symbol, so it
 * is never taken for a RequestInit field and never sent. Passed explicitly rather than through
 * AsyncLocalStorage, whose promise hooks cost every promise of the worker (pg, http, the SDK) CPU.
 */
const LEDGER = Symbol("send ledger");
type LedgerInit = RequestInit & { [LEDGER]?: Ledger };

/** A run unit's ledger: `requestOptions` go with each of its SDK calls; `sendIds` are settled with its outcome. */
export interface SendLedger {
  sendIds: string[];
  requestOptions: OpenAI.RequestOptions;
}

/** Opens the ledger of one run unit's calls: requests sent with its `requestOptions` are written down before they leave. */
export function sendLedger(unit: { runId: string; promptId: string; unitIndex: number; jobId?: string }): SendLedger {
  const ledger: Ledger = { runId: unit.runId, promptId: unit.promptId, unitIndex: unit.unitIndex, jobId: unit.jobId ?? null, sendIds: [] };
  const fetchOptions: LedgerInit = { [LEDGER]: ledger };
  // The SDK's type knows only its runtime's fetch options; it copies every key (symbols too) into the init it fetches with.
  return { sendIds: ledger.sendIds, requestOptions: { fetchOptions: fetchOptions as OpenAI.RequestOptions["fetchOptions"] } };
}

/** The ledger a request's fetch init carries (sent with a unit's `requestOptions`), if any. */
export function ledgerOf(init: RequestInit | undefined): Readonly<Ledger> | undefined {
  return (init as LedgerInit | undefined)?.[LEDGER];
}

/** The SDK serializes a request's fields in the order given, and callJudge and the generation call name the model first. */
const LEADING_MODEL = /^\{"model":("(?:[^"\\]|\\.)*")/;

/** What a request body says about its model and size (about 4 characters a token). */
export function describeBody(body: unknown): { model: string; estimatedInputTokens: number } {
  const text = typeof body === "string" ? body : "";
  let model = "";
  try {
    // Only the model's string is parsed when it comes first, not the whole request (prompt and candidates included).
    const leading = LEADING_MODEL.exec(text);
    model = String(leading ? (JSON.parse(leading[1]!) as string) : ((JSON.parse(text) as { model?: unknown }).model ?? ""));
  } catch {
    // Not JSON: no model to name.
  }
  return { model, estimatedInputTokens: Math.ceil(text.length / 4) };
}

/**
 * Requests about to leave, written down by group commit: the rows of requests starting within a
 * few milliseconds of each other go in one INSERT, and each request waits for that commit.
 */
const writeSend = coalesce(
  async (
    sends: { runId: string; promptId: string; unitIndex: number; jobId: string | null; model: string; estimatedInputTokens: number }[],
  ) => {
    const rows = await queryRows<{ id: string }>(
      pool(),
      sql`INSERT INTO judge_call_sends (run_id, prompt_id, unit_index, job_id, model, estimated_input_tokens)
          SELECT s.run_id, s.prompt_id, s.unit_index, s.job_id, s.model, s.estimated_input_tokens
            FROM unnest(${sends.map((s) => s.runId)}::uuid[], ${sends.map((s) => s.promptId)}::uuid[], ${sends.map((s) => s.unitIndex)}::int[],
                        ${sends.map((s) => s.jobId)}::text[], ${sends.map((s) => s.model)}::text[], ${sends.map((s) => s.estimatedInputTokens)}::int[])
                 WITH ORDINALITY AS s(run_id, prompt_id, unit_index, job_id, model, estimated_input_tokens, ord)
           ORDER BY s.ord
       RETURNING id`,
      { name: "record-call-sends" },
    );
    // Ids come from one sequence in insertion order: sorted, they line up with the requests.
    return rows
      .map((r) => BigInt(r.id))
      .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
      .map(String);
  },
  { lingerMs: 5, maxItems: 256 },
);

/**
 * The `fetch` of the SDK clients: a chat request sent with a ledger's options (a run unit's) is
 * written down, committed, before it is sent. Others (batch files, connection tests) are only fetched.
 */
export const ledgerFetch =
  (send: typeof fetch): typeof fetch =>
  async (input, init) => {
    const ledger = ledgerOf(init);
    const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
    if (ledger && /\/chat\/completions$/.test(url)) {
      const { model, estimatedInputTokens } = describeBody(init?.body);
      const id = await writeSend({ ...ledger, model, estimatedInputTokens });
      ledger.sendIds.push(id);
    }
    return send(input, init);
  };

export interface PossiblyPaid {
  calls: number;
  /** Estimated: the request's size for input, the run's mean answer for output. */
  tokens: number;
  costUsd: number | null;
}

/**
 * Requests of a run that were sent but never recorded, by a worker that is gone (its job's
 * liveness lock is free). Requests of live workers are in flight, not counted here.
 */
export async function possiblyPaid(runId: string): Promise<PossiblyPaid | null> {
  const rows = await queryRows<{ model: string; calls: number; inputTokens: number; meanOutput: number; prices: unknown }>(
    pool(),
    sql`WITH orphaned AS (
       SELECT s.model, s.estimated_input_tokens FROM judge_call_sends s
        WHERE s.run_id = ${runId}::uuid AND s.job_id IS NOT NULL
          AND CASE WHEN pg_try_advisory_lock(hashtextextended('judge-job:' || s.job_id, 0))
                   THEN pg_advisory_unlock(hashtextextended('judge-job:' || s.job_id, 0)) ELSE false END)
     SELECT o.model, count(*)::int AS calls, sum(o.estimated_input_tokens)::float8 AS input_tokens,
            (SELECT coalesce(avg(c.output_tokens), 0)::float8 FROM judge_calls c WHERE c.run_id = ${runId}::uuid AND c.status = ${CallStatus.SUCCEEDED}) AS mean_output,
            coalesce(e.model_prices,
                     (SELECT g.model_prices FROM jsonb_array_elements(CASE WHEN jsonb_typeof(r.config->'models') = 'array' THEN r.config->'models' ELSE '[]'::jsonb END) m
                        JOIN llm_endpoints g ON g.id::text = m->>'endpointId' WHERE m->>'model' = o.model LIMIT 1)) AS prices
       FROM orphaned o JOIN judge_runs r ON r.id = ${runId}::uuid LEFT JOIN llm_endpoints e ON e.id = r.endpoint_id
      GROUP BY o.model, e.model_prices, r.config`,
  );
  if (rows.length === 0) return null;
  let calls = 0;
  let tokens = 0;
  let cost: number | null = 0;
  for (const r of rows) {
    const output = Math.round(r.meanOutput * r.calls);
    calls += r.calls;
    tokens += r.inputTokens + output;
    const c = estimateCostUsd(r.prices, r.model, r.inputTokens, output);
    cost = c === null || cost === null ? null : cost + c;
  }
  return { calls, tokens, costUsd: cost };
}
