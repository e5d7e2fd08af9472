import "server-only";
import { z } from "zod";
import { auditInsert } from "@/lib/audit/audit-entry";
import { execute, queryOne, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { AppError, isUniqueViolation } from "@/lib/errors/app-error";
import { newId } from "@/lib/core/ids";
import { invalidInput } from "@/lib/errors/zod-problems";
import { readRecords } from "@/lib/import/read-records";
import type { RecordProblem } from "@/lib/import/types";
import { evaluateAccuracy, type AccuracyReport } from "@/lib/rm-eval/accuracy";
import { loadBenchmark, type BenchmarkRef } from "@/lib/rm-eval/benchmark-targets";
import { ScoreCollector } from "@/lib/rm-eval/score-records";
import { safeName, safeText } from "@/lib/text/safe-text";

export const evaluationLabels = z.object({
  name: safeName().trim().min(1, "required: the reward model's name").max(200, "at most 200 characters"),
  notes: safeText().trim().max(2000, "at most 2,000 characters").default(""),
});

export interface ScoresEvaluationInput {
  benchmark: BenchmarkRef;
  /** The score file: JSONL (or a JSON array) of `{prompt_id, model, score}` or `{pair_id, chosen_score, rejected_score}`. */
  input: AsyncIterable<Buffer | string> | Iterable<Buffer | string>;
  name: string;
  notes?: string;
  actorId: string | null;
  /** The evaluation's id, chosen by the uploading client so that a retried upload cannot store twice (default: a new one). */
  id?: string;
}

export interface StoredEvaluation extends Pick<AccuracyReport, "pairs" | "accuracy" | "ci95"> {
  id: string;
  name: string;
}

export interface ScoresEvaluationSummary {
  ok: boolean;
  message: string;
  problems: RecordProblem[];
  problemsNotShown: number;
  evaluation: StoredEvaluation | null;
}

/**
 * Evaluates a reward model's scores on a benchmark (a verification set's kept pairs or an export's
 * test split) and stores the result as an `rm_evaluations` row with its audit entry, in one
 * transaction. A bad file (a line unknown, duplicated or not numeric, a pair left unscored) stores nothing.
 */
export async function evaluateScores(o: ScoresEvaluationInput): Promise<ScoresEvaluationSummary> {
  const labels = evaluationLabels.safeParse({ name: o.name, notes: o.notes });
  if (!labels.success) throw invalidInput(labels.error);
  const benchmark = await loadBenchmark(o.benchmark);
  if (benchmark.pairs.length === 0)
    throw new AppError(
      "CONFLICT",
      `${benchmark.label} has no pairs to evaluate yet${"setId" in o.benchmark ? " (no pair is verified or overturned)" : ""}.`,
      "setId" in o.benchmark ? "set" : "export",
    );
  const collector = new ScoreCollector(benchmark.pairs);
  for await (const raw of readRecords(o.input, { maxRecordBytes: 1024 * 1024 })) collector.add(raw);
  const scored = collector.finish();
  const { problems } = collector;
  if (!scored)
    return {
      ok: false,
      message: `Nothing was stored: ${problems.total} problem${problems.total === 1 ? "" : "s"} in the score file (${collector.records} lines read). Fix them and upload the file again.`,
      problems: problems.shown,
      problemsNotShown: problems.notShown,
      evaluation: null,
    };
  const report = evaluateAccuracy(scored);
  const { name, notes } = labels.data;
  const results = { accuracy: report.accuracy, ci95: report.ci95, counts: report.counts, seed: report.seed, resamples: report.resamples };
  const setId = "setId" in o.benchmark ? o.benchmark.setId : null;
  const exportId = "exportId" in o.benchmark ? o.benchmark.exportId : null;
  const id = await withTransaction(async (tx) => {
    const row = await queryOne<{ id: string }>(
      tx,
      sql`INSERT INTO rm_evaluations (id, set_id, export_id, name, notes, kind, pairs, results, created_by_id)
          VALUES (${o.id ?? newId()}::uuid, ${setId}::uuid, ${exportId}::uuid, ${name}, ${notes}, 'scores', ${report.pairs}, ${JSON.stringify(results)}::jsonb, ${o.actorId}::uuid)
          RETURNING id`,
    );
    await execute(
      tx,
      auditInsert({
        actorId: o.actorId,
        action: "rm-evaluation.create",
        entityType: "rm_evaluation",
        entityId: row!.id,
        after: { name, setId, exportId, pairs: report.pairs, accuracy: report.accuracy },
      }),
    );
    return row!.id;
  }).catch((e: unknown) => {
    if (isUniqueViolation(e))
      throw new AppError("CONFLICT", "This upload was already received (same evaluation id): it is on the leaderboard.", "evaluationId");
    throw e;
  });
  return {
    ok: true,
    message: `Evaluated "${name}" on ${report.pairs} pairs of ${benchmark.label}: accuracy ${formatAccuracy(report.accuracy.all)}, macro ${formatAccuracy(report.accuracy.macro)}.`,
    problems: [],
    problemsNotShown: 0,
    evaluation: { id, name, pairs: report.pairs, accuracy: report.accuracy, ci95: report.ci95 },
  };
}

/** An accuracy as the messages give it: "85.0%", or "–" for a category without pairs. */
export const formatAccuracy = (v: number | null) => (v === null ? "–" : `${(v * 100).toFixed(1)}%`);
