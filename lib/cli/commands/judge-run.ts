import "server-only";
import { parseFlags, UsageError, type Command } from "@/lib/cli/command";
import { endpointFromFlag, templateFromFlag } from "@/lib/cli/judge-lookups";
import { checkRunInput, commonRunInput, RUN_FLAG_OPTIONS, withRunFlag } from "@/lib/cli/run-flags";
import { judgeRunInput } from "@/lib/judge/runs/create-judge-run";
import { createAndStartJudgeRun } from "@/lib/judge/run-commands";

const MODES = { live: "REALTIME", batch: "BATCH" } as const;

export const judgeRunCommand: Command = {
  name: "judge-run",
  usage: [
    "judge-run create --project SLUG --name N --endpoint NAME --model M --template KEY [--permutations P] [--mode live|batch]",
    "  [--sample S] [--source NAME]... [--prompt-type TYPE]... [--without-human-rankings] [--temperature T] [--concurrency C]",
    "  [--max-repairs R] [--budget-calls N] [--budget-tokens N] [--budget-usd X] [--seed S]   (prints the run's id)",
  ].join("\n         "),
  needsDatabase: true,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== "create") throw new UsageError(`unknown subcommand "judge-run ${sub ?? ""}"; expected:\n       ${this.usage}`);
    const { values } = parseFlags(rest, {
      ...RUN_FLAG_OPTIONS,
      endpoint: { type: "string" },
      model: { type: "string" },
      template: { type: "string" },
      permutations: { type: "string" },
      mode: { type: "string" },
      temperature: { type: "string" },
    });
    const common = commonRunInput(values);
    if (!values.endpoint) throw new UsageError("--endpoint: required (an endpoint's name; see endpoint list)");
    if (!values.template) throw new UsageError("--template: required (a template's key; see template list)");
    const mode = values.mode ?? "live";
    if (!(mode in MODES)) throw new UsageError(`--mode: "${mode}" is not a mode; expected live or batch`);
    const endpoint = await endpointFromFlag("--endpoint", values.endpoint);
    const template = await templateFromFlag("--template", values.template);
    const input = {
      ...common,
      endpointId: endpoint.id,
      model: values.model ?? "",
      templateId: template.id,
      permutations: values.permutations,
      temperature: values.temperature,
      mode: MODES[mode as keyof typeof MODES],
    };
    checkRunInput(judgeRunInput, input);
    const run = await createAndStartJudgeRun(input, null).catch(withRunFlag);
    io.err(`Started judge run ${run.id}: ${run.prompts} prompts, ${run.calls} calls (${mode}). Follow it with: run wait ${run.id}`);
    io.out(run.id);
  },
};
