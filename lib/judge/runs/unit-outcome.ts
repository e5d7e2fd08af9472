import "server-only";
import type { Tx } from "@/lib/db/transaction";
import { pool } from "@/lib/db/pool";
import { estimateCostUsd } from "@/lib/judge/endpoints";
import { settleRunIfDone } from "@/lib/judge/runs/run-status";

/** One HTTP exchange of a unit as stored: the raw request and response (never the API key). */
export interface CallRecord {
  status: "SUCCEEDED" | "FAILED";
  shownOrder: string[] | null;
  request: unknown;
  response: unknown;
  error: string | null;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number | null;
  batchId?: string | null;
}

export interface UnitKey {
  runId: string;
  promptId: string;
  unitIndex: number;
}

/**
 * Stores what happened to one unit, in the caller's transaction: its calls (attempt numbers
 * continue from earlier ones), what they cost (in the run's spend row for `shard`, the caller's
 * concurrency slot, so concurrent calls never wait on one row), and the unit's new state.
 * `storeResult` writes the result (ranking or completion) and says whether it was new; a unit
 * already DONE never changes. Call `completeRunIfDone` after the commit.
 */
export async function recordUnitOutcome(
  tx: Tx,
  unit: UnitKey,
  o: {
    calls: CallRecord[];
    /**
     * The requests this unit's calls sent, as written down before sending (send-ledger): settled
     * here, and counted as the calls made (retries of a 429 or 5xx included). Without it (batch
     * lines), each call record counts as one request.
     */
    sends?: string[];
    prices: unknown;
    model: string;
    priceFactor?: number;
    shard?: number;
    outcome: "DONE" | "FAILED" | "RETRY";
    storeResult?: () => Promise<boolean>;
  },
): Promise<"stored" | "exists" | "failed" | "retry"> {
  const costs = o.calls.map((c) => {
    const cost = estimateCostUsd(o.prices, o.model, c.inputTokens, c.outputTokens);
    return cost === null ? null : cost * (o.priceFactor ?? 1);
  });
  if (o.calls.length > 0) {
    await tx.query({
      name: "insert-judge-calls",
      text: `INSERT INTO judge_calls (run_id, prompt_id, permutation_index, attempt, status, shown_order, request, response, error,
                                input_tokens, output_tokens, cost_usd, latency_ms, batch_id, finished_at)
       SELECT $1, $2, $3, base.next + c.ord, c.status::call_status, ARRAY(SELECT jsonb_array_elements_text(c.shown_order))::uuid[],
              c.request, c.response, c.error, c.input_tokens, c.output_tokens, c.cost_usd, c.latency_ms, c.batch_id, now()
         FROM (SELECT coalesce(max(attempt), 0) + 1 AS next FROM judge_calls WHERE run_id = $1 AND prompt_id = $2 AND permutation_index = $3) base,
              jsonb_to_recordset($4::jsonb) AS c(ord int, status text, shown_order jsonb, request jsonb, response jsonb, error text,
                                                 input_tokens int, output_tokens int, cost_usd float8, latency_ms int, batch_id uuid)`,
      values: [
        unit.runId,
        unit.promptId,
        unit.unitIndex,
        JSON.stringify(
          o.calls.map((c, i) => ({
            ord: i,
            status: c.status,
            shown_order: c.shownOrder ?? [],
            request: c.request,
            response: c.response ?? null,
            error: c.error,
            input_tokens: c.inputTokens,
            output_tokens: c.outputTokens,
            cost_usd: costs[i],
            latency_ms: c.latencyMs,
            batch_id: c.batchId ?? null,
          })),
        ),
      ],
    });
  }
  const requests = o.sends ? o.sends.length : o.calls.length;
  if (o.sends?.length)
    await tx.query({ name: "settle-call-sends", text: `DELETE FROM judge_call_sends WHERE id = ANY($1::bigint[])`, values: [o.sends] });
  if (o.calls.length > 0 || requests > 0) {
    const tokens = o.calls.reduce((n, c) => n + c.inputTokens + c.outputTokens, 0);
    const cost = costs.reduce<number>((n, c) => n + (c ?? 0), 0);
    await tx.query({
      name: "add-run-spend",
      text: `INSERT INTO judge_run_spend (run_id, shard, calls, tokens, cost_usd) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (run_id, shard) DO UPDATE SET calls = judge_run_spend.calls + EXCLUDED.calls, tokens = judge_run_spend.tokens + EXCLUDED.tokens, cost_usd = judge_run_spend.cost_usd + EXCLUDED.cost_usd`,
      values: [unit.runId, o.shard ?? Math.floor(Math.random() * 1024), requests, tokens, cost],
    });
  }
  if (o.outcome === "RETRY") return "retry";
  const stored = o.outcome === "DONE" && o.storeResult ? await o.storeResult() : false;
  // PENDING → DONE or FAILED; FAILED → DONE (a late success); DONE stays DONE.
  await tx.query({
    name: "set-unit-state",
    text: `UPDATE judge_units SET state = $4::unit_state, updated_at = now()
      WHERE run_id = $1 AND prompt_id = $2 AND unit_index = $3 AND (state = 'PENDING' OR ($4 = 'DONE' AND state = 'FAILED'))`,
    values: [unit.runId, unit.promptId, unit.unitIndex, o.outcome],
  });
  return stored ? "stored" : o.outcome === "FAILED" ? "failed" : "exists";
}

/** Ends a running run once none of its units is pending (run after the outcome's commit); see settleRunIfDone. */
export async function completeRunIfDone(runId: string): Promise<void> {
  await settleRunIfDone(pool(), runId);
}

/**
 * What a run has spent so far: calls, tokens, estimated cost; and requests sent whose outcome is
 * not recorded (in flight, or possibly paid by a worker that died), which budgets count too.
 */
export const SPEND_SQL = `(SELECT coalesce(sum(calls), 0)::int FROM judge_run_spend s WHERE s.run_id = r.id) AS calls_made,
  (SELECT count(*)::int FROM judge_call_sends s WHERE s.run_id = r.id) AS calls_unrecorded,
  (SELECT coalesce(sum(tokens), 0)::float8 FROM judge_run_spend s WHERE s.run_id = r.id) AS tokens_used,
  (SELECT coalesce(sum(cost_usd), 0)::float8 FROM judge_run_spend s WHERE s.run_id = r.id) AS cost_usd`;

/** The budget a run has spent, if any is spent: the run pauses with this reason. */
export function spentBudget(run: {
  budget_calls: number | null;
  budget_tokens: number | null;
  budget_cost_usd: number | null;
  calls_made: number;
  calls_unrecorded?: number;
  tokens_used: number;
  cost_usd: number;
}): string | null {
  const over =
    (run.budget_calls !== null && run.calls_made + (run.calls_unrecorded ?? 0) >= run.budget_calls && "calls") ||
    (run.budget_tokens !== null && run.tokens_used >= run.budget_tokens && "tokens") ||
    (run.budget_cost_usd !== null && run.cost_usd >= run.budget_cost_usd && "cost");
  return over ? `The ${over} budget is spent; raise it and resume.` : null;
}
