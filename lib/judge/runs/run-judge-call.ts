import "server-only";
import { type RunStatus, UnitState } from "@/generated/prisma/enums";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { coalesce } from "@/lib/judge/runs/coalesce";
import { callJudge, judgeClient, type JudgeAttempt } from "@/lib/judge/call-judge";
import type { JudgeAnswer } from "@/lib/judge/judge-answer";
import type { JudgeCritiqueOutcome } from "@/lib/judge/judge-critiques";
import { judgeEntriesOf } from "@/lib/judge/judge-entries";
import { judgePermutations } from "@/lib/judge/permutations";
import { renderJudgePrompt } from "@/lib/judge/templates";
import { judgeCritiquesOf, runCritiqueTaxonomy, type RunCritiqueTaxonomy } from "@/lib/judge/judge-critiques";
import { RUN_CRITIQUE_TAXONOMY_SQL } from "@/lib/judge/runs/run-critiques";
import type { CritiqueTag } from "@/lib/critiques/taxonomy";
import { ACTIVE_RUN_STATUSES } from "@/lib/judge/runs/run-state";
import { inRunSlot, RetryLaterError, type JobContext, type UnitResult } from "@/lib/judge/runs/run-unit";
import { sendLedger } from "@/lib/judge/runs/send-ledger";
import {
  recordUnitOutcomeSoon,
  type CallRecord,
  type JudgeRankingRow,
  type UnitKey,
  type UnitOutcome,
} from "@/lib/judge/runs/unit-outcome";
import type { Message } from "@/lib/core/messages";

export interface JudgeJob {
  runId: string;
  promptId: string;
  permutation: number;
}

interface JudgeUnitContext {
  run: {
    id: string;
    model: string;
    temperature: number;
    permutations: number;
    maxConcurrency: number;
    maxRetries: number;
    seed: number;
    modelPrices: unknown;
    baseUrl: string;
    apiKeyEnv: string;
    supportsStructuredOutput: boolean;
    systemPrompt: string;
    userTemplate: string;
    status: RunStatus;
    unitState: UnitState | null;
  };
  order: string[];
  userPrompt: string;
  /** The candidates' texts in shown order (the judge's quotes are matched against them). */
  texts: string[];
  /** The taxonomy the judge tags critique spans in; null when the run's template asks for none. */
  critiqueTaxonomy: RunCritiqueTaxonomy | null;
}

/** What a run's unit loaders read of its critique taxonomy (RUN_CRITIQUE_TAXONOMY_SQL). */
interface RunCritiqueColumns {
  critiqueTaxonomyVersion: number | null;
  critiqueTags: CritiqueTag[] | null;
}

/** Everything one (run, prompt, permutation) needs: run settings, unit state, prompt, shown order. */
export async function loadJudgeUnit(job: JudgeJob): Promise<JudgeUnitContext | null> {
  return (await loadJudgeUnits([job]))[0]!;
}

/** What loadJudgeUnit reads, for many units in one query (null for a unit whose run or prompt is gone). */
export async function loadJudgeUnits(jobs: JudgeJob[]): Promise<(JudgeUnitContext | null)[]> {
  const rows = await queryRows<
    JudgeUnitContext["run"] &
      RunCritiqueColumns & {
        ord: string;
        messages: Message[];
        referenceAnswer: string | null;
        completions: { id: string; text: string }[];
      }
  >(
    pool(),
    sql`SELECT k.ord, r.id, r.status, r.model, r.temperature, r.permutations, r.max_concurrency, r.max_retries, r.seed,
            e.base_url, e.api_key_env, e.model_prices, e.supports_structured_output, t.system_prompt, t.user_template, ${RUN_CRITIQUE_TAXONOMY_SQL},
            u.state AS unit_state, p.messages, p.reference_answer,
            (SELECT json_agg(json_build_object('id', c.id, 'text', c.text) ORDER BY c.position) FROM completions c WHERE c.prompt_id = p.id) AS completions
       FROM unnest(${jobs.map((j) => j.runId)}::uuid[], ${jobs.map((j) => j.promptId)}::uuid[], ${jobs.map((j) => j.permutation)}::int[])
            WITH ORDINALITY AS k(run_id, prompt_id, unit_index, ord)
       JOIN judge_runs r ON r.id = k.run_id JOIN llm_endpoints e ON e.id = r.endpoint_id JOIN judge_templates t ON t.id = r.template_id
       JOIN prompts p ON p.id = k.prompt_id
       LEFT JOIN judge_units u ON u.run_id = k.run_id AND u.prompt_id = k.prompt_id AND u.unit_index = k.unit_index`,
    { name: "load-judge-units" },
  );
  const byOrd = new Map(rows.map((r) => [Number(r.ord), r]));
  return jobs.map((job, i) => {
    const row = byOrd.get(i + 1);
    return row
      ? {
          run: row,
          ...shownUnit(row, { promptId: job.promptId, ...row }, job.permutation),
          critiqueTaxonomy: runCritiqueTaxonomy(row.critiqueTaxonomyVersion, row.critiqueTags),
        }
      : null;
  });
}

/** Units of jobs starting together are read in one query (group commit's read side). */
const loadJudgeUnitSoon = coalesce(loadJudgeUnits, { lingerMs: 5, maxItems: 256 });

/**
 * What the judge is shown for one permutation of a prompt: the candidates' order, their texts in that
 * order, and the rendered user prompt (with the critique instructions in the run's taxonomy, if it asks).
 */
export function shownUnit(
  run: { permutations: number; seed: number; userTemplate: string } & RunCritiqueColumns,
  prompt: { promptId: string; messages: Message[]; referenceAnswer: string | null; completions: { id: string; text: string }[] },
  permutation: number,
): { order: string[]; texts: string[]; userPrompt: string } {
  const order = judgePermutations(
    prompt.completions.map((c) => c.id),
    run.permutations,
    `${run.seed}:${prompt.promptId}`,
  )[permutation]!;
  const textOf = new Map(prompt.completions.map((c) => [c.id, c.text]));
  const question = prompt.messages
    .filter((m) => m.role === "user")
    .map((m) => m.content)
    .join("\n\n");
  const texts = order.map((id) => textOf.get(id)!);
  const userPrompt = renderJudgePrompt(
    { userTemplate: run.userTemplate },
    {
      question,
      reference: prompt.referenceAnswer,
      responses: texts,
      critiques: runCritiqueTaxonomy(run.critiqueTaxonomyVersion, run.critiqueTags)?.taxonomy ?? null,
    },
  );
  return { order, texts, userPrompt };
}

/**
 * One (run, prompt, permutation) job: skipped when the run is not active or the unit is done;
 * otherwise asks the judge (askJudgeForUnit) and stores, for a valid answer, the ranking (once).
 */
export async function runJudgeCall(job: JudgeJob, ctx: JobContext): Promise<UnitResult> {
  const unit = await loadJudgeUnitSoon(job);
  if (!unit || !ACTIVE_RUN_STATUSES.has(unit.run.status)) return "skipped";
  if (unit.run.unitState !== UnitState.PENDING) return "exists";
  return askJudgeForUnit({ runId: job.runId, promptId: job.promptId, unitIndex: job.permutation }, ctx, unit, (answer, attempts) =>
    judgeUnitResult(job, unit, answer, attempts.at(-1)?.content ?? null, attempts),
  );
}

/** The settings a unit's call needs from its run and endpoint (the unit's state aside). */
export type JudgeCallSettings = Omit<JudgeUnitContext["run"], "id" | "permutations" | "seed" | "status" | "unitState">;

/**
 * Asks the judge about one shown unit, holding one of the run's slots, and stores every attempt and,
 * for a valid answer, what `resultOf` makes of it (a ranking, or a pair's verdict). A transport failure
 * is retried by the queue with backoff; on the job's last delivery it is recorded as the unit's failure.
 * The caller has checked that the run is active and the unit pending.
 */
export async function askJudgeForUnit(
  key: UnitKey,
  ctx: JobContext,
  unit: { run: JudgeCallSettings; order: string[]; userPrompt: string; critiqueTaxonomy?: RunCritiqueTaxonomy | null },
  resultOf: (answer: JudgeAnswer, attempts: JudgeAttempt[]) => Pick<UnitOutcome, "judgeRanking" | "storeResult" | "critiques">,
): Promise<UnitResult> {
  const { run, order, userPrompt } = unit;
  return inRunSlot(key.runId, run.maxConcurrency, ctx.jobId, { promptId: key.promptId, unitIndex: key.unitIndex }, async (slot) => {
    const ledger = sendLedger({ ...key, jobId: ctx.jobId });
    const outcome = await callJudge({
      client: judgeClient({ baseUrl: run.baseUrl, apiKeyEnv: run.apiKeyEnv }),
      model: run.model,
      temperature: run.temperature,
      systemPrompt: run.systemPrompt,
      userPrompt,
      candidates: order.length,
      structuredOutputs: run.supportsStructuredOutput,
      critiques: unit.critiqueTaxonomy?.taxonomy ?? null,
      maxRepairs: run.maxRetries,
      requestOptions: ledger.requestOptions,
    });
    const retry = !outcome.ok && outcome.transport && !ctx.lastDelivery;
    const result = await recordUnitOutcomeSoon(key, {
      calls: outcome.attempts.map((a, i) => attemptRecord(a, order, outcome.ok && i === outcome.attempts.length - 1)),
      sends: ledger.sendIds,
      prices: run.modelPrices,
      model: run.model,
      shard: slot,
      outcome: outcome.ok ? "DONE" : retry ? "RETRY" : "FAILED",
      ...(outcome.ok ? resultOf(outcome.answer, outcome.attempts) : {}),
    });
    if (retry) throw new RetryLaterError(outcome.problems.join("; "));
    return result;
  });
}

export function attemptRecord(a: JudgeAttempt, order: string[], succeeded: boolean, batchId: string | null = null): CallRecord {
  return {
    status: succeeded ? "SUCCEEDED" : "FAILED",
    shownOrder: order,
    request: a.request,
    response: a.response,
    error: a.problems.join("; ") || null,
    inputTokens: a.inputTokens,
    outputTokens: a.outputTokens,
    latencyMs: a.latencyMs,
    batchId,
  };
}

/** The judge's answer, mapped from shown positions back to completion ids, as the unit's ranking (with the spans it marked, if any). */
export function judgeRankingOf(
  job: JudgeJob,
  order: string[],
  answer: JudgeAnswer,
  attempts: { latencyMs: number }[],
  critiques?: JudgeCritiqueOutcome,
): JudgeRankingRow {
  return {
    promptId: job.promptId,
    judgeRunId: job.runId,
    permutationIndex: job.permutation,
    shownOrder: order,
    timeOnTaskMs: attempts.reduce((n, a) => n + a.latencyMs, 0),
    entries: judgeEntriesOf(order, answer),
    ...(critiques ? { critiqueSpans: { taxonomyVersion: critiques.taxonomyVersion, spans: critiques.spans } } : {}),
  };
}

/**
 * A valid answer's result for a unit (live or Batch): its ranking and, for a run that asks for
 * critiques, the spans its quotes map to (stored with the ranking) and how they matched (reported).
 * `content` is the answer's text, the critiques' source.
 */
export function judgeUnitResult(
  job: JudgeJob,
  unit: { order: string[]; texts: string[] | null; critiqueTaxonomy: RunCritiqueTaxonomy | null },
  answer: JudgeAnswer,
  content: string | null,
  attempts: { latencyMs: number }[],
): Pick<UnitOutcome, "judgeRanking" | "critiques"> {
  const critiques =
    unit.critiqueTaxonomy && unit.texts && content !== null
      ? judgeCritiquesOf(content, unit.order, unit.texts, unit.critiqueTaxonomy)
      : undefined;
  return { judgeRanking: judgeRankingOf(job, unit.order, answer, attempts, critiques), ...(critiques ? { critiques } : {}) };
}
