import "server-only";
import { UnitState } from "@/generated/prisma/enums";
import type { PairJudgeUnitJob } from "@/lib/jobs/jobs";
import { pool } from "@/lib/db/pool";
import { execute, queryOne, sql } from "@/lib/db/sql";
import type { Tx } from "@/lib/db/transaction";
import type { Message } from "@/lib/core/messages";
import { renderJudgePrompt } from "@/lib/judge/templates";
import { askJudgeForUnit, type JudgeCallSettings } from "@/lib/judge/runs/run-judge-call";
import { ACTIVE_RUN_STATUSES } from "@/lib/judge/runs/run-state";
import type { JobContext, UnitResult } from "@/lib/judge/runs/run-unit";
import type { UnitKey } from "@/lib/judge/runs/unit-outcome";
import { pairVerdictOf, type PairVerdict } from "@/lib/rm-eval/pair-verdicts";

interface PairJudgeUnitRow extends JudgeCallSettings {
  status: string;
  unitState: UnitState | null;
  messages: Message[];
  referenceAnswer: string | null;
  firstCompletionId: string;
  secondCompletionId: string;
  firstText: string;
  secondText: string;
}

/** One unit of a judge evaluation run: its run's settings, and the pair's two completions in the order this unit shows them. */
async function loadPairJudgeUnit(job: PairJudgeUnitJob): Promise<PairJudgeUnitRow | undefined> {
  return queryOne<PairJudgeUnitRow>(
    pool(),
    sql`SELECT r.status, r.model, r.temperature, r.max_concurrency, r.max_retries,
               e.base_url, e.api_key_env, e.model_prices, e.supports_structured_output, t.system_prompt, t.user_template,
               u.state AS unit_state, p.messages, p.reference_answer,
               pu.first_completion_id, pu.second_completion_id, f.text AS first_text, s.text AS second_text
          FROM pair_judge_units pu
          JOIN judge_units u ON u.run_id = pu.run_id AND u.prompt_id = pu.prompt_id AND u.unit_index = pu.unit_index
          JOIN judge_runs r ON r.id = pu.run_id JOIN llm_endpoints e ON e.id = r.endpoint_id JOIN judge_templates t ON t.id = r.template_id
          JOIN prompts p ON p.id = pu.prompt_id
          JOIN completions f ON f.id = pu.first_completion_id JOIN completions s ON s.id = pu.second_completion_id
         WHERE pu.run_id = ${job.runId} AND pu.prompt_id = ${job.promptId} AND pu.unit_index = ${job.unitIndex}`,
  );
}

/**
 * One unit of a judge evaluation run: the judge is shown the pair's two completions as Response 1 and
 * Response 2 in this unit's order (the run has a unit for each order) and its verdict is stored on the
 * unit, once. Calls, retries, budgets and slots are the judge runs' own (askJudgeForUnit).
 */
export async function runPairJudgeCall(job: PairJudgeUnitJob, ctx: JobContext): Promise<UnitResult> {
  const unit = await loadPairJudgeUnit(job);
  if (!unit || !ACTIVE_RUN_STATUSES.has(unit.status)) return "skipped";
  if (unit.unitState !== UnitState.PENDING) return "exists";
  const question = unit.messages
    .filter((m) => m.role === "user")
    .map((m) => m.content)
    .join("\n\n");
  const userPrompt = renderJudgePrompt(unit, { question, reference: unit.referenceAnswer, responses: [unit.firstText, unit.secondText] });
  const key: UnitKey = { runId: job.runId, promptId: job.promptId, unitIndex: job.unitIndex };
  return askJudgeForUnit(key, ctx, { run: unit, order: [unit.firstCompletionId, unit.secondCompletionId], userPrompt }, (answer) => ({
    storeResult: (tx) => storePairVerdict(tx, key, pairVerdictOf(answer)),
  }));
}

/** Writes a unit's verdict unless it has one; says whether it was new. */
async function storePairVerdict(tx: Tx, key: UnitKey, verdict: PairVerdict): Promise<boolean> {
  const written = await execute(
    tx,
    sql`UPDATE pair_judge_units SET preferred = ${verdict.preferred}, first_score = ${verdict.firstScore}, second_score = ${verdict.secondScore}
         WHERE run_id = ${key.runId} AND prompt_id = ${key.promptId} AND unit_index = ${key.unitIndex} AND preferred IS NULL`,
  );
  return written > 0;
}
