import "server-only";
import type { Tx } from "@/lib/db/transaction";
import { UnitState } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { execute, sql } from "@/lib/db/sql";
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
    const calls = JSON.stringify(
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
    );
    // The unit's key is bound once per use (the template numbers each value): cast, so every use has the type the original $1–$3 had.
    await execute(
      tx,
      sql`INSERT INTO judge_calls (run_id, prompt_id, permutation_index, attempt, status, shown_order, request, response, error,
                                input_tokens, output_tokens, cost_usd, latency_ms, batch_id, finished_at)
       SELECT ${unit.runId}::uuid, ${unit.promptId}::uuid, ${unit.unitIndex}::int, base.next + c.ord, c.status::call_status,
              ARRAY(SELECT jsonb_array_elements_text(c.shown_order))::uuid[],
              c.request, c.response, c.error, c.input_tokens, c.output_tokens, c.cost_usd, c.latency_ms, c.batch_id, now()
         FROM (SELECT coalesce(max(attempt), 0) + 1 AS next FROM judge_calls
                WHERE run_id = ${unit.runId}::uuid AND prompt_id = ${unit.promptId}::uuid AND permutation_index = ${unit.unitIndex}::int) base,
              jsonb_to_recordset(${calls}::jsonb) AS c(ord int, status text, shown_order jsonb, request jsonb, response jsonb, error text,
                                                 input_tokens int, output_tokens int, cost_usd float8, latency_ms int, batch_id uuid)`,
      { name: "insert-judge-calls" },
    );
  }
  const requests = o.sends ? o.sends.length : o.calls.length;
  if (o.sends?.length)
    await execute(tx, sql`DELETE FROM judge_call_sends WHERE id = ANY(${o.sends}::bigint[])`, { name: "settle-call-sends" });
  if (o.calls.length > 0 || requests > 0) {
    const tokens = o.calls.reduce((n, c) => n + c.inputTokens + c.outputTokens, 0);
    const cost = costs.reduce<number>((n, c) => n + (c ?? 0), 0);
    await execute(
      tx,
      sql`INSERT INTO judge_run_spend (run_id, shard, calls, tokens, cost_usd)
          VALUES (${unit.runId}, ${o.shard ?? Math.floor(Math.random() * 1024)}, ${requests}, ${tokens}, ${cost})
       ON CONFLICT (run_id, shard) DO UPDATE SET calls = judge_run_spend.calls + EXCLUDED.calls, tokens = judge_run_spend.tokens + EXCLUDED.tokens, cost_usd = judge_run_spend.cost_usd + EXCLUDED.cost_usd`,
      { name: "add-run-spend" },
    );
  }
  if (o.outcome === "RETRY") return "retry";
  const stored = o.outcome === "DONE" && o.storeResult ? await o.storeResult() : false;
  // PENDING → DONE or FAILED; FAILED → DONE (a late success); DONE stays DONE.
  await execute(
    tx,
    sql`UPDATE judge_units SET state = ${o.outcome}::unit_state, updated_at = now()
      WHERE run_id = ${unit.runId} AND prompt_id = ${unit.promptId} AND unit_index = ${unit.unitIndex}
        AND (state = ${UnitState.PENDING} OR (${o.outcome}::unit_state = ${UnitState.DONE} AND state = ${UnitState.FAILED}))`,
    { name: "set-unit-state" },
  );
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
export const SPEND_SQL = sql`(SELECT coalesce(sum(calls), 0)::int FROM judge_run_spend s WHERE s.run_id = r.id) AS calls_made,
  (SELECT count(*)::int FROM judge_call_sends s WHERE s.run_id = r.id) AS calls_unrecorded,
  (SELECT coalesce(sum(tokens), 0)::float8 FROM judge_run_spend s WHERE s.run_id = r.id) AS tokens_used,
  (SELECT coalesce(sum(cost_usd), 0)::float8 FROM judge_run_spend s WHERE s.run_id = r.id) AS cost_usd`;

/** The budget a run has spent, if any is spent: the run pauses with this reason. */
export function spentBudget(run: {
  budgetCalls: number | null;
  budgetTokens: number | null;
  budgetCostUsd: number | null;
  callsMade: number;
  callsUnrecorded?: number;
  tokensUsed: number;
  costUsd: number;
}): string | null {
  const over =
    (run.budgetCalls !== null && run.callsMade + (run.callsUnrecorded ?? 0) >= run.budgetCalls && "calls") ||
    (run.budgetTokens !== null && run.tokensUsed >= run.budgetTokens && "tokens") ||
    (run.budgetCostUsd !== null && run.costUsd >= run.budgetCostUsd && "cost");
  return over ? `The ${over} budget is spent; raise it and resume.` : null;
}
