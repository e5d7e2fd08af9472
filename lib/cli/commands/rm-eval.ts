import "server-only";
import fs from "node:fs";
import { z } from "zod";
import { parseFlags, parseValues, reportFileOutcome, UsageError, type Command } from "@/lib/cli/command";
import { ACCURACY_KEYS } from "@/lib/rm-eval/accuracy";
import { evaluateScores, type StoredEvaluation } from "@/lib/rm-eval/evaluate-scores";

const uuid = z.uuid("must be a UUID");

export const rmEvalCommand: Command = {
  name: "rm-eval",
  usage: "rm-eval --set SET|--export ID --scores FILE --name NAME [--notes TEXT] [--json]",
  needsDatabase: true,
  async run(args, io) {
    const { values } = parseFlags(args, {
      set: { type: "string" },
      export: { type: "string" },
      scores: { type: "string" },
      name: { type: "string" },
      notes: { type: "string" },
      json: { type: "boolean" },
    });
    if ((values.set === undefined) === (values.export === undefined))
      throw new UsageError("--set or --export: name exactly one benchmark (a verification set's id or an export's id)");
    const input = parseValues(
      z.object({
        set: uuid.optional(),
        export: uuid.optional(),
        scores: z.string({ error: "required: the JSONL file of scores" }),
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

/** The --json shape (an interface): name, pairs, then accuracy and ci95 with every key, null for a category without pairs. */
export function evaluationJson(e: StoredEvaluation) {
  return {
    name: e.name,
    pairs: e.pairs,
    accuracy: Object.fromEntries(ACCURACY_KEYS.map((k) => [k, e.accuracy[k]])),
    ci95: Object.fromEntries(ACCURACY_KEYS.map((k) => [k, e.ci95[k]])),
  };
}
