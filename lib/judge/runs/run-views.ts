import "server-only";
import { CallStatus, RunStatus, UnitState, type RunKind, type RunMode } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import { PACE_WINDOW_SECONDS, runPace } from "@/lib/judge/runs/run-pace";
import { possiblyPaid, type PossiblyPaid } from "@/lib/judge/runs/send-ledger";
import { SPEND_SQL } from "@/lib/judge/runs/unit-outcome";
import { aggregatePermutations, type PermutationResult } from "@/lib/judge/aggregate";
import { permutationResultsOf, positionReport, type PositionReport } from "@/lib/judge/runs/run-report";

/** The run `r`'s units in a state: the sum of its kept deltas (judge_run_unit_counts), not a count of its units. */
const unitsIn = (state: UnitState) =>
  sql`(SELECT coalesce(sum(n), 0)::int FROM judge_run_unit_counts k WHERE k.run_id = r.id AND k.state = ${state})`;

/**
 * Folds each run's unit deltas into one row per state and minute (maintenance): totals are sums of a
 * few rows, and a running run's pace still finds the minutes of its window. Rows of deleted runs go.
 * Returns the rows removed.
 */
export async function foldRunUnitCounts(): Promise<number> {
  const [folded] = await queryRows<{ removed: number }>(
    pool(),
    sql`WITH gone AS (DELETE FROM judge_run_unit_counts RETURNING run_id, state, n, at),
             kept AS (INSERT INTO judge_run_unit_counts (run_id, state, n, at)
                      SELECT run_id, state, sum(n), date_trunc('minute', at) FROM gone
                       WHERE EXISTS (SELECT 1 FROM judge_runs r WHERE r.id = gone.run_id)
                       GROUP BY run_id, state, date_trunc('minute', at) HAVING sum(n) <> 0 RETURNING 1)
        SELECT ((SELECT count(*) FROM gone) - (SELECT count(*) FROM kept))::int AS removed`,
  );
  return folded!.removed;
}

export interface RunProgress {
  id: string;
  status: string;
  pausedReason: string | null;
  total: number;
  done: number;
  failed: number;
  pending: number;
  /** Every request sent and recorded, the SDK's retries of a 429 or 5xx included. */
  callsMade: number;
  tokensUsed: number;
  costUsd: number;
  /** Requests sent but never recorded by a worker that died: estimated, shown apart (null when none). */
  possiblyPaid: PossiblyPaid | null;
  /** Calls recorded per minute over the last 5 minutes, or over the time the run ran when shorter. */
  callsPerMinute: number;
  /** Minutes until the pending units are done at that pace (null when idle, finished or nothing finished yet). */
  etaMinutes: number | null;
}

/** Where a run stands: progress counters, spending, pace and ETA. Cheap: kept counters plus a few indexed counts. */
export async function runProgress(runId: string): Promise<RunProgress | null> {
  const r = await queryOne<{
    id: string;
    status: RunStatus;
    pausedReason: string | null;
    unitsTotal: number;
    callsMade: number;
    callsUnrecorded: number;
    tokensUsed: number;
    costUsd: number;
    unitsDone: number;
    unitsFailed: number;
    recentCalls: number;
    recentUnits: number;
    windowSeconds: number;
  }>(
    pool(),
    sql`WITH w AS (
       SELECT r.*, greatest(coalesce(r.finished_at, now()) - make_interval(secs => ${PACE_WINDOW_SECONDS}), coalesce(r.started_at, r.created_at)) AS window_start,
              coalesce(r.finished_at, now()) AS window_end
         FROM judge_runs r WHERE r.id = ${runId})
     SELECT r.id, r.status, r.paused_reason, r.units_total, ${SPEND_SQL},
            ${unitsIn(UnitState.DONE)} AS units_done, ${unitsIn(UnitState.FAILED)} AS units_failed,
            (SELECT count(*)::int FROM judge_calls c WHERE c.run_id = r.id AND c.created_at > r.window_start AND c.created_at <= r.window_end) AS recent_calls,
            -- Units finished inside the window (net of those sent back to pending there): only a running run's ETA uses them.
            CASE WHEN r.status = ${RunStatus.RUNNING} THEN
              (SELECT coalesce(sum(n), 0)::int FROM judge_run_unit_counts k
                WHERE k.run_id = r.id AND k.state <> ${UnitState.PENDING} AND k.at > r.window_start AND k.at <= r.window_end)
            ELSE 0 END AS recent_units,
            extract(epoch FROM r.window_end - r.window_start)::float8 AS window_seconds
       FROM w r`,
  );
  if (!r) return null;
  const pending = r.unitsTotal - r.unitsDone - r.unitsFailed;
  const pace = runPace({
    calls: r.recentCalls,
    units: r.recentUnits,
    windowSeconds: r.windowSeconds,
    pendingUnits: pending,
    running: r.status === RunStatus.RUNNING,
  });
  return {
    id: r.id,
    status: r.status,
    pausedReason: r.pausedReason,
    total: r.unitsTotal,
    done: r.unitsDone,
    failed: r.unitsFailed,
    pending,
    callsMade: r.callsMade,
    tokensUsed: r.tokensUsed,
    costUsd: r.costUsd,
    possiblyPaid: r.callsUnrecorded > 0 ? await possiblyPaid(runId) : null,
    callsPerMinute: pace.callsPerMinute,
    etaMinutes: pace.etaMinutes,
  };
}

export async function listRuns() {
  return queryRows<{
    id: string;
    name: string;
    kind: RunKind;
    mode: RunMode;
    status: RunStatus;
    projectSlug: string;
    projectName: string;
    model: string | null;
    unitsTotal: number;
    unitsDone: number;
    unitsFailed: number;
    costUsd: number;
    createdAt: Date;
    imported: boolean;
  }>(
    pool(),
    sql`SELECT r.id, r.name, r.kind, r.mode, r.status, p.slug AS project_slug, p.name AS project_name, r.model, r.units_total, r.created_at,
            ${unitsIn(UnitState.DONE)} AS units_done, ${unitsIn(UnitState.FAILED)} AS units_failed,
            (SELECT coalesce(sum(cost_usd), 0)::float8 FROM judge_run_spend s WHERE s.run_id = r.id) AS cost_usd,
            r.config ? 'imported' AS imported
       FROM judge_runs r JOIN projects p ON p.id = r.project_id ORDER BY r.created_at DESC LIMIT 200`,
  );
}

/** The last failures of a run with what came back (the raw response, or the transport error). */
export async function runFailures(runId: string, limit = 50) {
  return queryRows<{
    id: string;
    promptId: string;
    externalId: string | null;
    permutationIndex: number;
    attempt: number;
    error: string | null;
    response: unknown;
    createdAt: Date;
    model: string | null;
  }>(
    pool(),
    sql`SELECT c.id, c.prompt_id, p.external_id, c.permutation_index, c.attempt, c.error, c.response, c.created_at,
            -- The model asked: the judge's, or the generator model the unit stands for (its index means nothing to a reader).
            coalesce(r.model, r.config->'models'->c.permutation_index->>'model') AS model
       FROM judge_calls c JOIN prompts p ON p.id = c.prompt_id JOIN judge_runs r ON r.id = c.run_id
      WHERE c.run_id = ${runId} AND c.status = ${CallStatus.FAILED} ORDER BY c.created_at DESC LIMIT ${limit}`,
  );
}

export async function runBatches(runId: string) {
  return queryRows<{
    id: string;
    remoteBatchId: string | null;
    status: string;
    requestCount: number;
    createdAt: Date;
    finishedAt: Date | null;
  }>(
    pool(),
    sql`SELECT id, remote_batch_id, status, request_count, created_at, finished_at FROM judge_batches WHERE run_id = ${runId} ORDER BY created_at`,
  );
}

/** How long a running run's kept position report is served before the next view recomputes it. */
export const POSITION_REPORT_MAX_AGE_SECONDS = 30;

type KeptPositionReport = PositionReport & { promptsWithResults: number };

/**
 * Position consistency over the run's prompts (at most the first `maxPrompts`). Kept on the run:
 * a finished run's report is recomputed only if the run finished after it was computed (a retry
 * reopens and finishes it again); an unfinished run's once it is older than
 * POSITION_REPORT_MAX_AGE_SECONDS.
 */
export async function runPositionReport(runId: string, maxPrompts = 5_000): Promise<KeptPositionReport> {
  const kept = await queryOne<{ report: KeptPositionReport | null; fresh: boolean }>(
    pool(),
    sql`SELECT position_report AS report,
               position_report_at IS NOT NULL
               AND CASE WHEN status IN (${RunStatus.COMPLETED}, ${RunStatus.FAILED}, ${RunStatus.CANCELLED}) AND finished_at IS NOT NULL
                        THEN position_report_at >= finished_at
                        ELSE position_report_at > now() - make_interval(secs => ${POSITION_REPORT_MAX_AGE_SECONDS}) END AS fresh
          FROM judge_runs WHERE id = ${runId}`,
  );
  if (kept?.report && kept.fresh) return kept.report;
  const [results, counted] = await Promise.all([
    permutationResultsOf(runId, { maxPrompts }),
    queryOne<{ n: number }>(pool(), sql`SELECT count(DISTINCT prompt_id)::int AS n FROM rankings WHERE judge_run_id = ${runId}`),
  ]);
  const report = { ...positionReport(results), promptsWithResults: counted!.n };
  await execute(
    pool(),
    sql`UPDATE judge_runs SET position_report = ${JSON.stringify(report)}::jsonb, position_report_at = now() WHERE id = ${runId}`,
  );
  return report;
}

/**
 * Prompts of a run with how many of their units are done and, for a judge run, the models its
 * aggregate ranks best (the one rule of `aggregatePermutations`), for the run page's prompt list.
 */
export async function runPrompts(runId: string, limit = 100) {
  const rows = await queryRows<{
    promptId: string;
    externalId: string | null;
    done: number;
    failed: number;
    total: number;
    preview: string;
    models: Record<string, string>;
  }>(
    pool(),
    // The page's prompts first (the first `limit` in id order, read from the index), then their
    // units: grouping every unit of a 200,000-unit run to show 100 would read them all.
    sql`WITH page AS (SELECT DISTINCT prompt_id FROM judge_units WHERE run_id = ${runId} ORDER BY prompt_id LIMIT ${limit})
     SELECT page.prompt_id, p.external_id,
            count(*) FILTER (WHERE u.state = ${UnitState.DONE})::int AS done,
            count(*) FILTER (WHERE u.state = ${UnitState.FAILED})::int AS failed, count(*)::int AS total,
            left(p.messages->-1->>'content', 120) AS preview,
            (SELECT coalesce(jsonb_object_agg(c.id, c.model), '{}'::jsonb) FROM completions c WHERE c.prompt_id = page.prompt_id) AS models
       FROM page JOIN prompts p ON p.id = page.prompt_id JOIN judge_units u ON u.run_id = ${runId} AND u.prompt_id = page.prompt_id
      GROUP BY page.prompt_id, p.external_id, p.messages ORDER BY page.prompt_id`,
  );
  const results = rows.length
    ? await permutationResultsOf(runId, { promptIds: rows.map((r) => r.promptId) })
    : new Map<string, PermutationResult[]>();
  return rows.map(({ models, ...r }) => {
    const perms = results.get(r.promptId);
    const best = perms?.length ? aggregatePermutations(perms).tiers[0]!.map((id) => models[id] ?? id) : null;
    return { ...r, best };
  });
}
