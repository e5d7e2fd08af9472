import "server-only";
import { UsageError, type CliIO, type Command } from "@/lib/cli/command";
import { VERIFICATION_EXPORT_USAGE, verificationExport } from "@/lib/cli/commands/verification-export";

/** The subcommands of `verification`, each in its own module. */
const SUBCOMMANDS: Record<string, { usage: string; run: (args: string[], io: CliIO) => Promise<number | void> }> = {
  export: { usage: VERIFICATION_EXPORT_USAGE, run: verificationExport },
};

export const verificationCommand: Command = {
  name: "verification",
  usage: Object.values(SUBCOMMANDS)
    .map((s) => s.usage)
    .join("\n       "),
  needsDatabase: true,
  async run(args, io) {
    const [sub, ...rest] = args;
    const subcommand = sub ? SUBCOMMANDS[sub] : undefined;
    if (!subcommand)
      throw new UsageError(
        `verification: ${sub ? `unknown subcommand "${sub}"` : "a subcommand is required"} (${Object.keys(SUBCOMMANDS).join(", ")})`,
      );
    return subcommand.run(rest, io);
  },
};
