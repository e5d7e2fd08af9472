import { z } from "zod";
import { parseFlags, parseValues, UsageError, type Command } from "@/lib/cli/command";
import { AppError } from "@/lib/errors/app-error";
import { parsePrices } from "@/lib/judge/endpoint-prices";
import { createEndpoint, listEndpoints } from "@/lib/judge/endpoints";
import { testEndpointConnection } from "@/lib/judge/endpoint-admin";
import { endpointFromFlag } from "@/lib/cli/judge-lookups";
import { endpointListing } from "@/lib/api/listings";
import { fieldParts, zodProblems } from "@/lib/errors/zod-problems";

/** The CLI's flag for each field of an endpoint, so a refusal names what to change. */
const FLAGS: Record<string, string> = { name: "--name", baseUrl: "--base-url", apiKeyEnv: "--key-var", prices: "--price" };

export const endpointCommand: Command = {
  name: "endpoint",
  usage: [
    "endpoint add --name N --base-url URL --key-var VAR [--price 'model = in / out']... [--structured-outputs] [--batch]",
    "endpoint list [--json]",
    "endpoint test NAME [--model M]",
  ].join("\n       "),
  needsDatabase: true,
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === "list") {
      const { values } = parseFlags(rest, { json: { type: "boolean" } });
      if (values.json) {
        io.out(JSON.stringify(await endpointListing()));
        return;
      }
      for (const e of await listEndpoints()) {
        const key = e.keyRefused ? "not an allowed key variable: never sent" : e.keyPresent ? "set" : "not set on this machine";
        io.out(`${e.name.padEnd(20)} ${e.baseUrl.padEnd(40)} ${e.apiKeyEnv} (${key})`);
      }
      return;
    }
    if (sub === "test") {
      const { values, positionals } = parseFlags(rest, { model: { type: "string" } }, true);
      if (positionals.length !== 1) throw new UsageError("endpoint test takes one NAME (see endpoint list)");
      const endpoint = await endpointFromFlag("NAME", positionals[0]!);
      const result = await testEndpointConnection(endpoint.id, values.model);
      if (!result.ok) {
        io.err(`${endpoint.name}: ${result.requestedModel} failed: ${result.error}`);
        return 1;
      }
      io.out(`${endpoint.name}: ${result.model} answered in ${result.latencyMs} ms.`);
      return;
    }
    if (sub !== "add") throw new UsageError(`unknown subcommand "endpoint ${sub ?? ""}"; expected:\n       ${this.usage}`);
    const { values } = parseFlags(rest, {
      name: { type: "string" },
      "base-url": { type: "string" },
      "key-var": { type: "string" },
      price: { type: "string", multiple: true },
      "structured-outputs": { type: "boolean" },
      batch: { type: "boolean" },
    });
    const input = parseValues(z.object({ name: z.string().min(1), "base-url": z.string().min(1), "key-var": z.string().min(1) }), values);
    try {
      const endpoint = await createEndpoint(
        {
          name: input.name,
          baseUrl: input["base-url"],
          apiKeyEnv: input["key-var"],
          modelPrices: parsePrices((values.price ?? []).join("\n")),
          supportsStructuredOutput: values["structured-outputs"] ?? false,
          supportsBatch: values.batch ?? false,
        },
        null,
      );
      io.out(`Added the endpoint ${endpoint.name} (${endpoint.id}).`);
    } catch (error) {
      if (error instanceof AppError && error.field && FLAGS[error.field]) {
        throw new AppError(error.code, `${FLAGS[error.field]}: ${error.problems?.[0]?.message ?? error.message}`, error.field);
      }
      if (error instanceof z.ZodError) {
        const problem = zodProblems(error)[0]!;
        const key = fieldParts(problem.field)[0] ?? "";
        throw new AppError("INVALID_INPUT", `${FLAGS[key] ?? key}: ${problem.message}`);
      }
      throw error;
    }
  },
};
