import "server-only";
import { pool } from "@/lib/db/pool";
import { PACE_WINDOW_SECONDS, runPace } from "@/lib/judge/runs/run-pace";
import { possiblyPaid, type PossiblyPaid } from "@/lib/judge/runs/send-ledger";
import { SPEND_SQL } from "@/lib/judge/runs/unit-outcome";
import { aggregatePermutations, type PermutationResult } from "@/lib/judge/aggregate";
import { permutationResultsOf, positionReport, type PositionReport } from "@/lib/judge/runs/run-report";

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

/** Where a run stands: progress counters, spending, pace and ETA. Cheap: counters plus a few indexed counts. */
export async function runProgress(runId: string): Promise<RunProgress | null> {
  const { rows } = await pool().query(
    `WITH w AS (
       SELECT r.*, greatest(coalesce(r.finished_at, now()) - interval '${PACE_WINDOW_SECONDS} seconds', coalesce(r.started_at, r.created_at)) AS window_start,
              coalesce(r.finished_at, now()) AS window_end
         FROM judge_runs r WHERE r.id = $1)
     SELECT r.id, r.status, r.paused_reason, r.units_total, ${SPEND_SQL},
            (SELECT count(*)::int FROM judge_units u WHERE u.run_id = r.id AND u.state = 'DONE') AS units_done,
            (SELECT count(*)::int FROM judge_units u WHERE u.run_id = r.id AND u.state = 'FAILED') AS units_failed,
            (SELECT count(*)::int FROM judge_calls c WHERE c.run_id = r.id AND c.created_at > r.window_start AND c.created_at <= r.window_end) AS recent_calls,
            (SELECT count(*)::int FROM judge_units u WHERE u.run_id = r.id AND u.state <> 'PENDING' AND u.updated_at > r.window_start AND u.updated_at <= r.window_end) AS recent_units,
            extract(epoch FROM r.window_end - r.window_start)::float8 AS window_seconds
       FROM w r`,
    [runId],
  );
  const r = rows[0];
  if (!r) return null;
  const pending = r.units_total - r.units_done - r.units_failed;
  const pace = runPace({
    calls: r.recent_calls,
    units: r.recent_units,
    windowSeconds: r.window_seconds,
    pendingUnits: pending,
    running: r.status === "RUNNING",
  });
  return {
    id: r.id,
    status: r.status,
    pausedReason: r.paused_reason,
    total: r.units_total,
    done: r.units_done,
    failed: r.units_failed,
    pending,
    callsMade: r.calls_made,
    tokensUsed: r.tokens_used,
    costUsd: r.cost_usd,
    possiblyPaid: r.calls_unrecorded > 0 ? await possiblyPaid(runId) : null,
    callsPerMinute: pace.callsPerMinute,
    etaMinutes: pace.etaMinutes,
  };
}

export async function listRuns() {
  const { rows } = await pool().query<{
    id: string;
    name: string;
    kind: string;
    mode: string;
    status: string;
    project_slug: string;
    project_name: string;
    model: string | null;
    units_total: number;
    units_done: number;
    units_failed: number;
    cost_usd: number;
    created_at: Date;
    imported: boolean;
  }>(
    `SELECT r.id, r.name, r.kind, r.mode, r.status, p.slug AS project_slug, p.name AS project_name, r.model, r.units_total, r.created_at,
            (SELECT count(*)::int FROM judge_units u WHERE u.run_id = r.id AND u.state = 'DONE') AS units_done,
            (SELECT count(*)::int FROM judge_units u WHERE u.run_id = r.id AND u.state = 'FAILED') AS units_failed,
            (SELECT coalesce(sum(cost_usd), 0)::float8 FROM judge_run_spend s WHERE s.run_id = r.id) AS cost_usd,
            r.config ? 'imported' AS imported
       FROM judge_runs r JOIN projects p ON p.id = r.project_id ORDER BY r.created_at DESC LIMIT 200`,
  );
  return rows;
}

/** The last failures of a run with what came back (the raw response, or the transport error). */
export async function runFailures(runId: string, limit = 50) {
  const { rows } = await pool().query<{
    id: string;
    prompt_id: string;
    external_id: string | null;
    permutation_index: number;
    attempt: number;
    error: string | null;
    response: unknown;
    created_at: Date;
    model: string | null;
  }>(
    `SELECT c.id, c.prompt_id, p.external_id, c.permutation_index, c.attempt, c.error, c.response, c.created_at,
            -- The model asked: the judge's, or the generator model the unit stands for (its index means nothing to a reader).
            coalesce(r.model, r.config->'models'->c.permutation_index->>'model') AS model
       FROM judge_calls c JOIN prompts p ON p.id = c.prompt_id JOIN judge_runs r ON r.id = c.run_id
      WHERE c.run_id = $1 AND c.status = 'FAILED' ORDER BY c.created_at DESC LIMIT $2`,
    [runId, limit],
  );
  return rows;
}

export async function runBatches(runId: string) {
  const { rows } = await pool().query<{
    id: string;
    remote_batch_id: string | null;
    status: string;
    request_count: number;
    created_at: Date;
    finished_at: Date | null;
  }>(
    `SELECT id, remote_batch_id, status, request_count, created_at, finished_at FROM judge_batches WHERE run_id = $1 ORDER BY created_at`,
    [runId],
  );
  return rows;
}

/** Position consistency over the run's prompts (at most the first `maxPrompts`, to keep the page quick). */
export async function runPositionReport(runId: string, maxPrompts = 5_000): Promise<PositionReport & { promptsWithResults: number }> {
  const [results, counted] = await Promise.all([
    permutationResultsOf(runId, { maxPrompts }),
    pool().query<{ n: number }>(`SELECT count(DISTINCT prompt_id)::int AS n FROM rankings WHERE judge_run_id = $1`, [runId]),
  ]);
  return { ...positionReport(results), promptsWithResults: counted.rows[0]!.n };
}

/**
 * Prompts of a run with how many of their units are done and, for a judge run, the models its
 * aggregate ranks best (the one rule of `aggregatePermutations`), for the run page's prompt list.
 */
export async function runPrompts(runId: string, limit = 100) {
  const { rows } = await pool().query<{
    prompt_id: string;
    external_id: string | null;
    done: number;
    failed: number;
    total: number;
    preview: string;
    models: Record<string, string>;
  }>(
    `SELECT u.prompt_id, p.external_id, count(*) FILTER (WHERE u.state = 'DONE')::int AS done, count(*) FILTER (WHERE u.state = 'FAILED')::int AS failed, count(*)::int AS total,
            left(p.messages->-1->>'content', 120) AS preview,
            (SELECT coalesce(jsonb_object_agg(c.id, c.model), '{}'::jsonb) FROM completions c WHERE c.prompt_id = u.prompt_id) AS models
       FROM judge_units u JOIN prompts p ON p.id = u.prompt_id WHERE u.run_id = $1
      GROUP BY u.prompt_id, p.external_id, p.messages ORDER BY u.prompt_id LIMIT $2`,
    [runId, limit],
  );
  const results = rows.length
    ? await permutationResultsOf(runId, { promptIds: rows.map((r) => r.prompt_id) })
    : new Map<string, PermutationResult[]>();
  return rows.map(({ models, ...r }) => {
    const perms = results.get(r.prompt_id);
    const best = perms?.length ? aggregatePermutations(perms).tiers[0]!.map((id) => models[id] ?? id) : null;
    return { ...r, best };
  });
}
