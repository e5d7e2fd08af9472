import "server-only";
import fs from "node:fs";
import { z } from "zod";
import { parseFlags, parseValues, reportFileOutcome, UsageError, type CliIO, type Command } from "@/lib/cli/command";
import { waitForRun } from "@/lib/cli/commands/run";
import { endpointFromFlag, templateFromFlag } from "@/lib/cli/judge-lookups";
import { checkRunInput, withRunFlag } from "@/lib/cli/run-flags";
import { createAndStartJudgeEvaluation } from "@/lib/judge/run-commands";
import { loadBenchmark } from "@/lib/rm-eval/benchmark-targets";
import { judgeEvaluationInput, judgeEvaluationResult, type JudgeEvaluationInput } from "@/lib/rm-eval/judge-evaluation";
import { ACCURACY_KEYS } from "@/lib/rm-eval/accuracy";
import { evaluateScores, formatAccuracy, type StoredEvaluation } from "@/lib/rm-eval/evaluate-scores";

const uuid = z.uuid("must be a UUID");

export const rmEvalCommand: Command = {
  name: "rm-eval",
  usage: [
    "rm-eval --set SET|--export ID --scores FILE --name NAME [--notes TEXT] [--json]",
    "rm-eval --set SET|--export ID --judge ENDPOINT --model M --name NAME [--template KEY] [--notes TEXT] [--temperature T]",
    "  [--concurrency C] [--budget-calls N] [--budget-tokens N] [--budget-usd X] [--wait] [--json]",
    "  (an LLM endpoint as a generative judge, each pair in both orders: prints the run's id, or with --wait its accuracy)",
  ].join("\n         "),
  needsDatabase: true,
  async run(args, io) {
    const { values } = parseFlags(args, {
      set: { type: "string" },
      export: { type: "string" },
      scores: { type: "string" },
      judge: { type: "string" },
      model: { type: "string" },
      template: { type: "string" },
      temperature: { type: "string" },
      concurrency: { type: "string" },
      "budget-calls": { type: "string" },
      "budget-tokens": { type: "string" },
      "budget-usd": { type: "string" },
      wait: { type: "boolean" },
      name: { type: "string" },
      notes: { type: "string" },
      json: { type: "boolean" },
    });
    if ((values.set === undefined) === (values.export === undefined))
      throw new UsageError("--set or --export: name exactly one benchmark (a verification set's id or an export's id)");
    if ((values.scores === undefined) === (values.judge === undefined))
      throw new UsageError("--scores or --judge: evaluate either a reward model's score file or an LLM endpoint as a judge");
    if (values.judge !== undefined) return evaluateJudge(values, io);
    const input = parseValues(
      z.object({
        set: uuid.optional(),
        export: uuid.optional(),
        scores: z.string(),
        name: z.string({ error: "required: the reward model's name" }),
        notes: z.string().optional(),
      }),
      values,
    );
    if (!fs.existsSync(input.scores) || !fs.statSync(input.scores).isFile()) throw new UsageError(`--scores: cannot read ${input.scores}`);
    const summary = await evaluateScores({
      benchmark: input.set ? { setId: input.set } : { exportId: input.export! },
      input: fs.createReadStream(input.scores, { highWaterMark: 1 << 20 }),
      name: input.name,
      notes: input.notes,
      actorId: null,
    });
    if (!summary.ok || !values.json) return reportFileOutcome(io, summary);
    io.out(JSON.stringify(evaluationJson(summary.evaluation!)));
    return 0;
  },
};

/** `rm-eval --judge`: creates and starts the judge evaluation; with --wait, follows its run and prints its accuracy. */
async function evaluateJudge(values: Record<string, string | boolean | undefined>, io: CliIO): Promise<number> {
  const ref = parseValues(z.object({ set: uuid.optional(), export: uuid.optional() }), values);
  const benchmark = ref.set ? { setId: ref.set } : { exportId: ref.export! };
  const endpoint = await endpointFromFlag("--judge", String(values.judge));
  const template = await templateFromFlag("--template", String(values.template ?? "pairwise"));
  const input = {
    name: String(values.name ?? ""),
    notes: values.notes === undefined ? undefined : String(values.notes),
    endpointId: endpoint.id,
    model: String(values.model ?? ""),
    templateId: template.id,
    temperature: values.temperature,
    maxConcurrency: values.concurrency,
    budgetCalls: values["budget-calls"],
    budgetTokens: values["budget-tokens"],
    budgetCostUsd: values["budget-usd"],
  } as JudgeEvaluationInput;
  const flags = { endpointId: "--judge", maxConcurrency: "--concurrency", set: "--set", export: "--export" };
  checkRunInput(judgeEvaluationInput, input, flags);
  const created = await createAndStartJudgeEvaluation(benchmark, input, null).catch((e: unknown) => withRunFlag(e, flags));
  io.err(`Started judge evaluation run ${created.runId}: ${created.pairs} pairs, ${created.calls} calls (each pair in both orders).`);
  if (!values.wait) {
    io.err(`Follow it with: run wait ${created.runId}; its row is on the leaderboard.`);
    io.out(created.runId);
    return 0;
  }
  // Progress lines go to stderr: stdout holds the result alone.
  const settled = await waitForRun(created.runId, { ...io, out: io.err }, 500, null);
  const result = await judgeEvaluationResult(created.runId, await loadBenchmark(benchmark));
  const evaluation = {
    id: created.evaluationId,
    name: input.name.trim(),
    pairs: result.pairs,
    accuracy: result.accuracy,
    ci95: result.ci95,
  };
  if (values.json) io.out(JSON.stringify(evaluationJson(evaluation)));
  else
    io.out(
      `Evaluated "${evaluation.name}" on ${result.pairs} pairs: accuracy ${formatAccuracy(result.accuracy.all)}, macro ${formatAccuracy(result.accuracy.macro)}` +
        (result.unjudged ? ` (${result.unjudged} pairs not judged: failed calls)` : ""),
    );
  return settled;
}

/** The --json shape (an interface): name, pairs, then accuracy and ci95 with every key, null for a category without pairs. */
export function evaluationJson(e: StoredEvaluation) {
  return {
    name: e.name,
    pairs: e.pairs,
    accuracy: Object.fromEntries(ACCURACY_KEYS.map((k) => [k, e.accuracy[k]])),
    ci95: Object.fromEntries(ACCURACY_KEYS.map((k) => [k, e.ci95[k]])),
  };
}
