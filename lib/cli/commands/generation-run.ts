import "server-only";
import { parseFlags, UsageError, type Command } from "@/lib/cli/command";
import { endpointFromFlag } from "@/lib/cli/judge-lookups";
import { checkRunInput, commonRunInput, RUN_FLAG_OPTIONS, withRunFlag } from "@/lib/cli/run-flags";
import { generationRunInput } from "@/lib/judge/runs/create-generation-run";
import { createAndStartGenerationRun } from "@/lib/judge/run-commands";

export const generationRunCommand: Command = {
  name: "generation-run",
  usage: [
    "generation-run create --project SLUG --name N --model ENDPOINT=MODEL [--model ENDPOINT=MODEL]... [--target N]",
    "  [--temperature T] [--max-output-tokens N] [--sample S] [--source NAME]... [--prompt-type TYPE]... [--concurrency C]",
    "  [--max-repairs R] [--budget-calls N] [--budget-tokens N] [--budget-usd X] [--seed S]   (prints the run's id)",
  ].join("\n         "),
  needsDatabase: true,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== "create") throw new UsageError(`unknown subcommand "generation-run ${sub ?? ""}"; expected:\n       ${this.usage}`);
    const { values } = parseFlags(rest, {
      ...RUN_FLAG_OPTIONS,
      model: { type: "string", multiple: true },
      target: { type: "string" },
      temperature: { type: "string" },
      "max-output-tokens": { type: "string" },
    });
    const common = commonRunInput(values);
    if (!values.model?.length) throw new UsageError("--model: required, as ENDPOINT=MODEL (once per generator model)");
    const models = [];
    for (const spec of values.model) {
      const at = spec.indexOf("=");
      if (at <= 0 || at === spec.length - 1) throw new UsageError(`--model: "${spec}" is not ENDPOINT=MODEL`);
      const endpoint = await endpointFromFlag("--model", spec.slice(0, at));
      models.push({
        endpointId: endpoint.id,
        model: spec.slice(at + 1),
        temperature: values.temperature,
        maxTokens: values["max-output-tokens"],
      });
    }
    const input = { ...common, targetCandidates: values.target, models };
    checkRunInput(generationRunInput, input);
    const run = await createAndStartGenerationRun(input, null).catch(withRunFlag);
    const short = run.promptsShort ? ` ${run.promptsShort} prompts cannot reach the target with these models.` : "";
    io.err(
      `Started generation run ${run.id}: ${run.completions} completions for ${run.prompts} prompts.${short} Follow it with: run wait ${run.id}`,
    );
    io.out(run.id);
  },
};
