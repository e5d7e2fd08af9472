import "server-only";
import { withTransaction, type Tx } from "@/lib/db/transaction";
import { UnitState } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { copyRowsInto } from "@/lib/db/copy-from";
import { copyTextRow } from "@/lib/db/copy-text";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { insertJudgeRankings, type JudgeRankingRow } from "@/lib/annotation/store-revision";
import { estimateCostUsd } from "@/lib/judge/endpoints";
import { coalesce } from "@/lib/judge/runs/coalesce";
import { settleRunIfDone } from "@/lib/judge/runs/run-status";
import { insertCritiqueReports } from "@/lib/judge/runs/run-critiques";
import type { JudgeCritiqueOutcome } from "@/lib/judge/judge-critiques";

/**
 * One HTTP exchange of a unit as stored: the raw request and response (never the API key). A
 * Batch call stores instead of its request its line in the batch's input file and that line's
 * SHA-256 (see batch-request.ts).
 */
export interface CallRecord {
  status: "SUCCEEDED" | "FAILED";
  shownOrder: string[] | null;
  request: unknown;
  batchLine?: number | null;
  requestSha256?: Buffer | null;
  response: unknown;
  error: string | null;
  inputTokens: number;
  outputTokens: number;
  latencyMs: number | null;
  batchId?: string | null;
  /**
   * The call's attempt number when the writer knows it (Batch ingestion reads each unit's last
   * attempt with it): a list whose calls all have one is streamed in with COPY. Without it, the
   * number continues from the unit's stored calls in the insert itself.
   */
  attempt?: number;
}

export interface UnitKey {
  runId: string;
  promptId: string;
  unitIndex: number;
}

/** What happened to one unit, as `recordUnitOutcomes` stores it. */
export interface UnitOutcome {
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
  /** Writes the result (ranking or completion) in the transaction; says whether it was new. */
  storeResult?: (tx: Tx) => Promise<boolean>;
  /** A DONE judge unit's ranking: stored with the other outcomes' rankings in one statement (instead of storeResult). */
  judgeRanking?: JudgeRankingRow;
  /** The judge's critiques of a DONE unit's answer (a template asking for them): how its quotes matched, reported once its ranking is stored. */
  critiques?: JudgeCritiqueOutcome;
}

export type { JudgeRankingRow };

export type RecordedOutcome = "stored" | "exists" | "failed" | "retry";

/** Stores what happened to one unit, in the caller's transaction (see recordUnitOutcomes). */
export async function recordUnitOutcome(tx: Tx, unit: UnitKey, o: UnitOutcome): Promise<RecordedOutcome> {
  return (await recordUnitOutcomes(tx, [{ unit, outcome: o }]))[0]!;
}

const unitKeyOf = (u: UnitKey) => `${u.runId}:${u.promptId}:${u.unitIndex}`;

/**
 * Stores what happened to many units, in the caller's transaction and a few multi-row statements:
 * their calls (attempt numbers continue from earlier ones), what they cost (in the run's spend row
 * for `shard`, the caller's concurrency slot, so concurrent writers never wait on one row), the
 * requests they settle, and each unit's new state. `storeResult` writes a DONE unit's result and
 * says whether it was new; a unit already DONE never changes. Call `completeRunIfDone` after the commit.
 */
export async function recordUnitOutcomes(tx: Tx, items: { unit: UnitKey; outcome: UnitOutcome }[]): Promise<RecordedOutcome[]> {
  const calls: CallRow[] = [];
  // Two outcomes of one unit in one list number their calls one after the other.
  const ordOfUnit = new Map<string, number>();
  const spend = new Map<string, { runId: string; shard: number; calls: number; tokens: number; cost: number }>();
  const sends: string[] = [];
  for (const { unit, outcome: o } of items) {
    const costs = o.calls.map((c) => {
      const cost = estimateCostUsd(o.prices, o.model, c.inputTokens, c.outputTokens);
      return cost === null ? null : cost * (o.priceFactor ?? 1);
    });
    const key = unitKeyOf(unit);
    let ord = ordOfUnit.get(key) ?? 0;
    o.calls.forEach((c, i) =>
      calls.push({
        run_id: unit.runId,
        prompt_id: unit.promptId,
        unit_index: unit.unitIndex,
        ord: ord++,
        status: c.status,
        shown_order: c.shownOrder ?? [],
        request: c.request,
        response: c.response ?? null,
        error: c.error,
        input_tokens: c.inputTokens,
        output_tokens: c.outputTokens,
        cost_usd: costs[i] ?? null,
        latency_ms: c.latencyMs,
        batch_id: c.batchId ?? null,
        batch_line: c.batchLine ?? null,
        request_sha256: c.requestSha256?.toString("hex") ?? null,
        attempt: c.attempt,
      }),
    );
    ordOfUnit.set(key, ord);
    if (o.sends) sends.push(...o.sends);
    const requests = o.sends ? o.sends.length : o.calls.length;
    if (o.calls.length > 0 || requests > 0) {
      const shard = o.shard ?? Math.floor(Math.random() * 1024);
      const row = spend.get(`${unit.runId}:${shard}`) ?? { runId: unit.runId, shard, calls: 0, tokens: 0, cost: 0 };
      row.calls += requests;
      row.tokens += o.calls.reduce((n, c) => n + c.inputTokens + c.outputTokens, 0);
      row.cost += costs.reduce<number>((n, c) => n + (c ?? 0), 0);
      spend.set(`${unit.runId}:${shard}`, row);
    }
  }
  if (calls.length > 0 && calls.every((c) => c.attempt !== undefined)) await copyCalls(tx, calls);
  else if (calls.length > 0) {
    await execute(
      tx,
      sql`INSERT INTO judge_calls (run_id, prompt_id, permutation_index, attempt, status, shown_order, request, response, error,
                                input_tokens, output_tokens, cost_usd, latency_ms, batch_id, batch_line, request_sha256, finished_at)
       SELECT c.run_id, c.prompt_id, c.unit_index,
              coalesce((SELECT max(j.attempt) FROM judge_calls j
                         WHERE j.run_id = c.run_id AND j.prompt_id = c.prompt_id AND j.permutation_index = c.unit_index), 0) + 1 + c.ord,
              c.status::call_status, ARRAY(SELECT jsonb_array_elements_text(c.shown_order))::uuid[],
              c.request, c.response, c.error, c.input_tokens, c.output_tokens, c.cost_usd, c.latency_ms, c.batch_id, c.batch_line, decode(c.request_sha256, 'hex'), now()
         FROM jsonb_to_recordset(${JSON.stringify(calls)}::jsonb) AS c(run_id uuid, prompt_id uuid, unit_index int, ord int, status text,
              shown_order jsonb, request jsonb, response jsonb, error text, input_tokens int, output_tokens int, cost_usd float8,
              latency_ms int, batch_id uuid, batch_line int, request_sha256 text)`,
      { name: "insert-judge-calls" },
    );
  }
  if (sends.length > 0)
    await execute(tx, sql`DELETE FROM judge_call_sends WHERE id = ANY(${sends}::bigint[])`, { name: "settle-call-sends" });
  if (spend.size > 0) {
    // Sorted, so two writers touching the same rows take their locks in the same order.
    const rows = [...spend.values()].sort((a, b) => a.runId.localeCompare(b.runId) || a.shard - b.shard);
    await execute(
      tx,
      sql`INSERT INTO judge_run_spend (run_id, shard, calls, tokens, cost_usd)
          SELECT * FROM unnest(${rows.map((r) => r.runId)}::uuid[], ${rows.map((r) => r.shard)}::int[], ${rows.map((r) => r.calls)}::int[],
                               ${rows.map((r) => r.tokens)}::bigint[], ${rows.map((r) => r.cost)}::float8[])
       ON CONFLICT (run_id, shard) DO UPDATE SET calls = judge_run_spend.calls + EXCLUDED.calls, tokens = judge_run_spend.tokens + EXCLUDED.tokens, cost_usd = judge_run_spend.cost_usd + EXCLUDED.cost_usd`,
      { name: "add-run-spend" },
    );
  }
  const rankings = items.flatMap(({ outcome: o }) => (o.outcome === "DONE" && o.judgeRanking ? [o.judgeRanking] : []));
  const storedRankings = await insertJudgeRankings(tx, rankings);
  await insertCritiqueReports(
    tx,
    items.flatMap(({ outcome: o }) => {
      const r = o.outcome === "DONE" ? o.judgeRanking : undefined;
      return r && o.critiques && storedRankings.has(`${r.judgeRunId}:${r.promptId}:${r.permutationIndex}`)
        ? [{ runId: r.judgeRunId, promptId: r.promptId, permutationIndex: r.permutationIndex, critiques: o.critiques }]
        : [];
    }),
  );
  const results: RecordedOutcome[] = [];
  // PENDING → DONE or FAILED; FAILED → DONE (a late success); DONE stays DONE. One state per unit: DONE wins.
  const states = new Map<string, { unit: UnitKey; state: "DONE" | "FAILED" }>();
  for (const { unit, outcome: o } of items) {
    if (o.outcome === "RETRY") {
      results.push("retry");
      continue;
    }
    const stored =
      o.outcome !== "DONE"
        ? false
        : o.judgeRanking
          ? storedRankings.has(`${o.judgeRanking.judgeRunId}:${o.judgeRanking.promptId}:${o.judgeRanking.permutationIndex}`)
          : o.storeResult
            ? await o.storeResult(tx)
            : false;
    const key = unitKeyOf(unit);
    if (states.get(key)?.state !== "DONE") states.set(key, { unit, state: o.outcome });
    results.push(stored ? "stored" : o.outcome === "FAILED" ? "failed" : "exists");
  }
  if (states.size > 0) {
    const rows = [...states.values()].sort((a, b) => unitKeyOf(a.unit).localeCompare(unitKeyOf(b.unit)));
    await execute(
      tx,
      sql`UPDATE judge_units u SET state = v.state, updated_at = now()
            FROM unnest(${rows.map((r) => r.unit.runId)}::uuid[], ${rows.map((r) => r.unit.promptId)}::uuid[],
                        ${rows.map((r) => r.unit.unitIndex)}::int[], ${rows.map((r) => r.state)}::unit_state[]) AS v(run_id, prompt_id, unit_index, state)
           WHERE u.run_id = v.run_id AND u.prompt_id = v.prompt_id AND u.unit_index = v.unit_index
             AND (u.state = ${UnitState.PENDING} OR (v.state = ${UnitState.DONE} AND u.state = ${UnitState.FAILED}))`,
      { name: "set-unit-states" },
    );
  }
  return results;
}

/** A call as recordUnitOutcomes writes it (column names; `ord` numbers a unit's calls within the list). */
interface CallRow {
  run_id: string;
  prompt_id: string;
  unit_index: number;
  ord: number;
  status: CallRecord["status"];
  shown_order: string[];
  request: unknown;
  response: unknown;
  error: string | null;
  input_tokens: number;
  output_tokens: number;
  cost_usd: number | null;
  latency_ms: number | null;
  batch_id: string | null;
  batch_line: number | null;
  request_sha256: string | null;
  attempt: number | undefined;
}

const CALL_COLUMNS = [
  "run_id",
  "prompt_id",
  "permutation_index",
  "attempt",
  "status",
  "shown_order",
  "request",
  "response",
  "error",
  "input_tokens",
  "output_tokens",
  "cost_usd",
  "latency_ms",
  "batch_id",
  "batch_line",
  "request_sha256",
  "finished_at",
] as const;

/**
 * Calls whose attempt numbers are known, streamed into judge_calls with COPY (a Batch page: no
 * JSON document of a thousand responses to build and parse again). Their finish time is the
 * transaction's, as now() gives the other writers' calls. A unit's attempt taken meanwhile by
 * another writer makes the unique key refuse the whole transaction (nothing is stored twice).
 */
async function copyCalls(tx: Tx, calls: CallRow[]): Promise<void> {
  const { now } = (await queryOne<{ now: Date }>(tx, sql`SELECT now() AS now`))!;
  const finishedAt = now.toISOString();
  const json = (value: unknown) => (value === null || value === undefined ? null : JSON.stringify(value));
  await copyRowsInto(
    tx,
    "judge_calls",
    CALL_COLUMNS,
    calls.map((c) =>
      copyTextRow([
        c.run_id,
        c.prompt_id,
        c.unit_index,
        c.attempt!,
        c.status,
        c.shown_order,
        json(c.request),
        json(c.response),
        c.error,
        c.input_tokens,
        c.output_tokens,
        c.cost_usd,
        c.latency_ms,
        c.batch_id,
        c.batch_line,
        c.request_sha256 === null ? null : `\\x${c.request_sha256}`,
        finishedAt,
      ]),
    ),
  );
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * The outcomes of live calls, written by group commit: outcomes settling within a few
 * milliseconds of each other share one transaction (and the runs they touch are settled once
 * after it). Should that transaction fail, each outcome is tried alone, so one bad outcome
 * cannot fail the others. Resolves once the outcome is committed.
 */
const writeOutcomes = coalesce(
  async (items: { unit: UnitKey; outcome: UnitOutcome }[]): Promise<Settled<RecordedOutcome>[]> => {
    let settled: Settled<RecordedOutcome>[];
    try {
      const values = await withTransaction((tx) => recordUnitOutcomes(tx, items));
      settled = values.map((value) => ({ ok: true, value }));
    } catch (error) {
      if (items.length === 1) settled = [{ ok: false, error }];
      else {
        settled = [];
        for (const item of items) {
          try {
            settled.push({ ok: true, value: await withTransaction((tx) => recordUnitOutcome(tx, item.unit, item.outcome)) });
          } catch (e) {
            settled.push({ ok: false, error: e });
          }
        }
      }
    }
    for (const runId of new Set(items.map((i) => i.unit.runId))) await completeRunIfDone(runId);
    return settled;
  },
  { lingerMs: 15, maxItems: 256 },
);

/** Stores a live call's outcome with those settling at about the same time (see writeOutcomes); the run is settled after. */
export async function recordUnitOutcomeSoon(unit: UnitKey, outcome: UnitOutcome): Promise<RecordedOutcome> {
  const written = await writeOutcomes({ unit, outcome });
  if (!written.ok) throw written.error;
  return written.value;
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
