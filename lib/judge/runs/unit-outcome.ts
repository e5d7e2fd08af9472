import type { Tx } from "@/lib/db/transaction";
import { estimateCostUsd } from "@/lib/judge/endpoints";

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
 * continue from earlier ones), the run's spending, and the unit's new state with the run's
 * progress counters; the run completes when no unit is pending. `storeResult` writes the result
 * (ranking or completion) and says whether it was new; a unit already DONE never counts twice.
 */
export async function recordUnitOutcome(
  tx: Tx,
  unit: UnitKey,
  o: { calls: CallRecord[]; prices: unknown; model: string; priceFactor?: number; outcome: "DONE" | "FAILED" | "RETRY"; storeResult?: () => Promise<boolean> },
): Promise<"stored" | "exists" | "failed" | "retry"> {
  const costs = o.calls.map((c) => {
    const cost = estimateCostUsd(o.prices, o.model, c.inputTokens, c.outputTokens);
    return cost === null ? null : cost * (o.priceFactor ?? 1);
  });
  if (o.calls.length > 0) {
    await tx.query(
      `INSERT INTO judge_calls (run_id, prompt_id, permutation_index, attempt, status, shown_order, request, response, error,
                                input_tokens, output_tokens, cost_usd, latency_ms, batch_id, finished_at)
       SELECT $1, $2, $3, base.next + c.ord, c.status::call_status, ARRAY(SELECT jsonb_array_elements_text(c.shown_order))::uuid[],
              c.request, c.response, c.error, c.input_tokens, c.output_tokens, c.cost_usd, c.latency_ms, c.batch_id, now()
         FROM (SELECT coalesce(max(attempt), 0) + 1 AS next FROM judge_calls WHERE run_id = $1 AND prompt_id = $2 AND permutation_index = $3) base,
              jsonb_to_recordset($4::jsonb) AS c(ord int, status text, shown_order jsonb, request jsonb, response jsonb, error text,
                                                 input_tokens int, output_tokens int, cost_usd float8, latency_ms int, batch_id uuid)`,
      [
        unit.runId,
        unit.promptId,
        unit.unitIndex,
        JSON.stringify(
          o.calls.map((c, i) => ({
            ord: i, status: c.status, shown_order: c.shownOrder ?? [], request: c.request, response: c.response ?? null, error: c.error,
            input_tokens: c.inputTokens, output_tokens: c.outputTokens, cost_usd: costs[i], latency_ms: c.latencyMs, batch_id: c.batchId ?? null,
          })),
        ),
      ],
    );
  }
  let result: "stored" | "exists" | "failed" | "retry" = o.outcome === "RETRY" ? "retry" : o.outcome === "FAILED" ? "failed" : "exists";
  let done = 0;
  let failed = 0;
  if (o.outcome !== "RETRY") {
    const stored = o.outcome === "DONE" && o.storeResult ? await o.storeResult() : false;
    if (stored) result = "stored";
    const { rows } = await tx.query<{ was: "PENDING" | "FAILED" }>(
      `UPDATE judge_units u SET state = $4::unit_state, updated_at = now()
         FROM (SELECT state FROM judge_units WHERE run_id = $1 AND prompt_id = $2 AND unit_index = $3 FOR UPDATE) old
        WHERE u.run_id = $1 AND u.prompt_id = $2 AND u.unit_index = $3
          AND (old.state = 'PENDING' OR ($4 = 'DONE' AND old.state = 'FAILED'))
        RETURNING old.state AS was`,
      [unit.runId, unit.promptId, unit.unitIndex, o.outcome],
    );
    const was = rows[0]?.was;
    if (was && o.outcome === "DONE") [done, failed] = [1, was === "FAILED" ? -1 : 0];
    if (was && o.outcome === "FAILED") failed = 1;
  }
  const tokens = o.calls.reduce((n, c) => n + c.inputTokens + c.outputTokens, 0);
  const cost = costs.reduce<number>((n, c) => n + (c ?? 0), 0);
  await tx.query(
    `UPDATE judge_runs SET calls_made = calls_made + $2, tokens_used = tokens_used + $3, cost_usd = cost_usd + $4,
            units_done = units_done + $5, units_failed = units_failed + $6,
            status = CASE WHEN status = 'RUNNING' AND units_done + $5 + units_failed + $6 >= units_total THEN 'COMPLETED'::run_status ELSE status END,
            finished_at = CASE WHEN status = 'RUNNING' AND units_done + $5 + units_failed + $6 >= units_total THEN now() ELSE finished_at END
      WHERE id = $1`,
    [unit.runId, o.calls.length, tokens, cost, done, failed],
  );
  return result;
}

/** The budget a run has spent, if any is spent: the run pauses with this reason. */
export function spentBudget(run: { budget_calls: number | null; budget_tokens: number | null; budget_cost_usd: number | null; calls_made: number; tokens_used: number; cost_usd: number }): string | null {
  const over =
    (run.budget_calls !== null && run.calls_made >= run.budget_calls && "calls") ||
    (run.budget_tokens !== null && run.tokens_used >= run.budget_tokens && "tokens") ||
    (run.budget_cost_usd !== null && run.cost_usd >= run.budget_cost_usd && "cost");
  return over ? `The ${over} budget is spent; raise it and resume.` : null;
}
