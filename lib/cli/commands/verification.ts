import fs from "node:fs";
import { z } from "zod";
import { parseFlags, parseValues, reportFileOutcome, UsageError, type CliIO } from "@/lib/cli/command";
import type { Command } from "@/lib/cli/command";
import { idSchema } from "@/lib/core/ids";
import { importVotes } from "@/lib/verification/import-votes";

/** One `verification` subcommand: its usage line and what it runs (exit code, or nothing for 0). */
interface Subcommand {
  usage: string;
  run(args: string[], io: CliIO): Promise<number | void>;
}

/** The subcommands by name; create, pairs, show and export join this table. */
const SUBCOMMANDS: Record<string, Subcommand> = {
  "import-votes": {
    usage:
      'verification import-votes --set SET --file F [--json]   (JSONL {"pair", "rater", "better"}: better = a model name, "tie" or "both_bad")',
    async run(args, io) {
      const { values } = parseFlags(args, { set: { type: "string" }, file: { type: "string" }, json: { type: "boolean" } });
      const input = parseValues(z.object({ set: idSchema("a verification set id"), file: z.string({ error: "required" }) }), values);
      if (!fs.existsSync(input.file) || !fs.statSync(input.file).isFile()) throw new UsageError(`--file: cannot read ${input.file}`);
      const summary = await importVotes({ setId: input.set, text: fs.readFileSync(input.file, "utf8"), actorId: null });
      if (values.json && summary.ok) {
        io.out(JSON.stringify({ imported: summary.imported, pairs: summary.pairs, outcomes: lowerKeys(summary.outcomes) }));
        return 0;
      }
      return reportFileOutcome(io, summary);
    },
  },
};

const lowerKeys = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k.toLowerCase(), v]));

export const verificationCommand: Command = {
  name: "verification",
  usage: Object.values(SUBCOMMANDS)
    .map((s) => s.usage)
    .join("\n       "),
  needsDatabase: true,
  async run(args, io) {
    const [name, ...rest] = args;
    const sub = name === undefined ? undefined : SUBCOMMANDS[name];
    if (!sub) throw new UsageError(`unknown subcommand "verification ${name ?? ""}"; expected:\n       ${this.usage}`);
    return sub.run(rest, io);
  },
};
