import "server-only";
import type { RunKind, RunMode, RunStatus } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryOne, sql } from "@/lib/db/sql";

/** A run as its page shows it: its settings and the names of what it points at. */
export interface RunView {
  id: string;
  name: string;
  kind: RunKind;
  mode: RunMode;
  status: RunStatus;
  /** The judge's model; null for generation runs (their models are in `config`). */
  model: string | null;
  temperature: number;
  permutations: number;
  maxConcurrency: number;
  maxRetries: number;
  seed: number;
  filter: unknown;
  config: RunConfigView;
  budgetCalls: number | null;
  budgetTokens: number | null;
  budgetCostUsd: number | null;
  createdAt: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  projectSlug: string;
  projectName: string;
  endpointName: string | null;
  templateName: string | null;
  templateVersion: number | null;
  templateKey: string | null;
}

/** What the run page reads of a run's kind-specific settings. */
export interface RunConfigView {
  targetCandidates?: number;
  models?: { model: string; temperature: number; maxTokens: number }[];
  imported?: { file: string };
  /** A judge evaluation's benchmark (lib/rm-eval/judge-evaluation.ts). */
  evaluation?: { setId: string | null; exportId: string | null };
}

/** One run with its project, endpoint and template names; null when there is no such run. */
export async function runView(runId: string): Promise<RunView | null> {
  const run = await queryOne<RunView>(
    pool(),
    sql`SELECT r.id, r.name, r.kind, r.mode, r.status, r.model, r.temperature, r.permutations, r.max_concurrency, r.max_retries, r.seed, r.filter, r.config,
            r.budget_calls, r.budget_tokens::float8 AS budget_tokens, r.budget_cost_usd, r.created_at, r.started_at, r.finished_at,
            p.slug AS project_slug, p.name AS project_name, e.name AS endpoint_name, t.name AS template_name, t.version AS template_version, t.key AS template_key
       FROM judge_runs r JOIN projects p ON p.id = r.project_id LEFT JOIN llm_endpoints e ON e.id = r.endpoint_id LEFT JOIN judge_templates t ON t.id = r.template_id
      WHERE r.id = ${runId}`,
  );
  return run ?? null;
}
