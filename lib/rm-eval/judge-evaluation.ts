import "server-only";
import { type z } from "zod";
import { RunKind, RunMode } from "@/generated/prisma/enums";
import { auditInsert } from "@/lib/audit/audit-entry";
import { newId } from "@/lib/core/ids";
import { pool } from "@/lib/db/pool";
import { execute, queryRows, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError } from "@/lib/errors/app-error";
import { invalidInput } from "@/lib/errors/zod-problems";
import { assertEndpointUsable } from "@/lib/judge/endpoint-admin";
import { judgeRunInput } from "@/lib/judge/runs/create-judge-run";
import { evaluateAccuracy, type AccuracyReport } from "@/lib/rm-eval/accuracy";
import { loadBenchmark, type Benchmark, type BenchmarkRef } from "@/lib/rm-eval/benchmark-targets";
import { evaluationLabels } from "@/lib/rm-eval/evaluate-scores";
import { judgeVerdictsAsScores, type PairPreference } from "@/lib/rm-eval/pair-verdicts";

/** A judge evaluation: the endpoint and model as a judge run takes them, and the leaderboard's name and notes. */
export const judgeEvaluationInput = judgeRunInput
  .pick({
    endpointId: true,
    model: true,
    templateId: true,
    temperature: true,
    maxConcurrency: true,
    maxRepairs: true,
    budgetCalls: true,
    budgetTokens: true,
    budgetCostUsd: true,
    seed: true,
  })
  .extend(evaluationLabels.shape);
export type JudgeEvaluationInput = z.input<typeof judgeEvaluationInput>;

export interface CreatedJudgeEvaluation {
  evaluationId: string;
  runId: string;
  pairs: number;
  calls: number;
}

/**
 * Creates a generative judge's evaluation on a benchmark (a verification set's kept pairs or an
 * export's test split): a real-time judge run of kind PAIR_JUDGE with a unit for each pair in each
 * order (the kept chosen completion shown first, then second), and the leaderboard's `rm_evaluations`
 * row (kind "judge") pointing at it, in one transaction with their audit entry. Start the run after.
 */
export async function createJudgeEvaluation(
  ref: BenchmarkRef,
  input: JudgeEvaluationInput,
  actorId: string | null,
): Promise<CreatedJudgeEvaluation> {
  const parsed = judgeEvaluationInput.safeParse(input);
  if (!parsed.success) throw invalidInput(parsed.error);
  const data = parsed.data;
  const benchmark = await loadBenchmark(ref);
  const target = "setId" in ref ? "set" : "export";
  if (benchmark.pairs.length === 0)
    throw new AppError(
      "CONFLICT",
      `${benchmark.label} has no pairs to evaluate yet${target === "set" ? " (no pair is kept)" : ""}.`,
      target,
    );
  const projectId = await projectOf(benchmark);
  await assertEndpointUsable(data.endpointId, "endpointId");
  const units = benchmark.pairs.flatMap((p, i) => [
    { pair: p.pair, promptId: p.promptId, ordinal: i, first: p.chosen.completionId, second: p.rejected.completionId },
    { pair: p.pair, promptId: p.promptId, ordinal: i, first: p.rejected.completionId, second: p.chosen.completionId },
  ]);
  // A prompt may give several pairs: its units are numbered 0, 1, … across them.
  const seen = new Map<string, number>();
  const indexed = units.map((u) => {
    const unitIndex = seen.get(u.promptId) ?? 0;
    seen.set(u.promptId, unitIndex + 1);
    return { ...u, unitIndex };
  });
  const runId = newId();
  const evaluationId = newId();
  const setId = target === "set" ? (ref as { setId: string }).setId : null;
  const exportId = target === "export" ? (ref as { exportId: string }).exportId : null;
  await withTransaction(async (tx) => {
    await execute(
      tx,
      sql`INSERT INTO judge_runs (id, project_id, kind, mode, name, endpoint_id, model, template_id, temperature, permutations, max_concurrency,
                                  max_retries, budget_calls, budget_tokens, budget_cost_usd, seed, config, units_total, created_by_id)
          VALUES (${runId}::uuid, ${projectId}::uuid, ${RunKind.PAIR_JUDGE}::run_kind, ${RunMode.REALTIME}::run_mode,
                  ${`Judge evaluation: ${data.name} on ${benchmark.label}`}, ${data.endpointId}::uuid, ${data.model}, ${data.templateId}::uuid,
                  ${data.temperature}, 2, ${data.maxConcurrency}, ${data.maxRepairs}, ${data.budgetCalls ?? null}, ${data.budgetTokens ?? null},
                  ${data.budgetCostUsd ?? null}, ${data.seed}, ${JSON.stringify({ generation: 0, evaluation: { setId, exportId } })}::jsonb,
                  ${indexed.length}, ${actorId}::uuid)`,
    );
    const columns = {
      prompt: indexed.map((u) => u.promptId),
      unit: indexed.map((u) => u.unitIndex),
      pair: indexed.map((u) => u.pair),
      first: indexed.map((u) => u.first),
      second: indexed.map((u) => u.second),
    };
    await execute(
      tx,
      sql`INSERT INTO judge_units (run_id, prompt_id, unit_index) SELECT ${runId}::uuid, p, u FROM unnest(${columns.prompt}::uuid[], ${columns.unit}::int[]) AS k(p, u)`,
    );
    await execute(
      tx,
      sql`INSERT INTO pair_judge_units (run_id, prompt_id, unit_index, pair, first_completion_id, second_completion_id)
          SELECT ${runId}::uuid, p, u, pair, f, s
            FROM unnest(${columns.prompt}::uuid[], ${columns.unit}::int[], ${columns.pair}::text[], ${columns.first}::uuid[], ${columns.second}::uuid[])
                 AS k(p, u, pair, f, s)`,
    );
    await execute(
      tx,
      sql`INSERT INTO rm_evaluations (id, set_id, export_id, name, notes, kind, judge_run_id, pairs, results, created_by_id)
          VALUES (${evaluationId}::uuid, ${setId}::uuid, ${exportId}::uuid, ${data.name}, ${data.notes}, 'judge', ${runId}::uuid,
                  ${benchmark.pairs.length}, '{}'::jsonb, ${actorId}::uuid)`,
    );
    await execute(
      tx,
      auditInsert({
        actorId,
        action: "rm-evaluation.create",
        entityType: "rm_evaluation",
        entityId: evaluationId,
        after: { name: data.name, kind: "judge", setId, exportId, runId, pairs: benchmark.pairs.length, model: data.model },
      }),
    );
  });
  return { evaluationId, runId, pairs: benchmark.pairs.length, calls: indexed.length };
}

/** The project a judge evaluation's run belongs to: the set's, or the one project of an export's test pairs. */
async function projectOf(benchmark: Benchmark): Promise<string> {
  if (benchmark.projectId) return benchmark.projectId;
  const rows = await queryRows<{ projectId: string }>(
    pool(),
    sql`SELECT DISTINCT project_id FROM prompts WHERE id = ANY(${[...new Set(benchmark.pairs.map((p) => p.promptId))]}::uuid[])`,
  );
  if (rows.length !== 1)
    throw new AppError(
      "INVALID_INPUT",
      `A judge evaluation runs in one project; the pairs of ${benchmark.label} come from ${rows.length} projects. Evaluate the judge on a verification set instead.`,
      "export",
    );
  return rows[0]!.projectId;
}

export interface JudgeEvaluationResult extends Pick<AccuracyReport, "pairs" | "accuracy" | "ci95"> {
  /** Calls answered of the run's two per pair. */
  answered: number;
  units: number;
  /** Kept pairs the judge has not answered in either order yet (failed or pending). */
  unjudged: number;
  runStatus: string;
}

/**
 * A judge evaluation's accuracy as its run's verdicts stand, on the benchmark's pairs as they stand
 * (a pair whose outcome changed since is scored against its current chosen completion; a pair no
 * longer kept is left out). Computed on every read: a running evaluation fills in as calls answer.
 */
export async function judgeEvaluationResult(runId: string, benchmark: Benchmark): Promise<JudgeEvaluationResult> {
  const rows = await queryRows<{ pair: string; firstCompletionId: string; preferred: PairPreference | null; runStatus: string }>(
    pool(),
    sql`SELECT pu.pair, pu.first_completion_id, pu.preferred, r.status AS run_status
          FROM pair_judge_units pu JOIN judge_runs r ON r.id = pu.run_id WHERE pu.run_id = ${runId}::uuid`,
  );
  const byPair = new Map<string, typeof rows>();
  for (const r of rows) {
    const list = byPair.get(r.pair);
    if (list) list.push(r);
    else byPair.set(r.pair, [r]);
  }
  const { scored, unjudged } = judgeVerdictsAsScores(
    benchmark.pairs
      .filter((p) => byPair.has(p.pair))
      .map((p) => ({ pair: p.pair, categories: p.categories, chosenCompletionId: p.chosen.completionId, verdicts: byPair.get(p.pair)! })),
  );
  const report = evaluateAccuracy(scored);
  return {
    pairs: report.pairs,
    accuracy: report.accuracy,
    ci95: report.ci95,
    answered: rows.filter((r) => r.preferred !== null).length,
    units: rows.length,
    unjudged: unjudged.length,
    runStatus: rows[0]?.runStatus ?? "CANCELLED",
  };
}
