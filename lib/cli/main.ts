import "server-only";
import { describeError, UsageError, type CliIO, type Command } from "@/lib/cli/command";
import { agreementCommand } from "@/lib/cli/commands/agreement";
import { endpointCommand } from "@/lib/cli/commands/endpoint";
import { exportCommand } from "@/lib/cli/commands/export";
import { generationRunCommand } from "@/lib/cli/commands/generation-run";
import { importCommand } from "@/lib/cli/commands/import";
import { importRankingsCommand } from "@/lib/cli/commands/import-rankings";
import { judgeRunCommand } from "@/lib/cli/commands/judge-run";
import { migrateCommand } from "@/lib/cli/commands/migrate";
import { projectCommand } from "@/lib/cli/commands/project";
import { runCommandLine } from "@/lib/cli/commands/run";
import { seedCommand } from "@/lib/cli/commands/seed";
import { templateCommand } from "@/lib/cli/commands/template";
import { userCommand } from "@/lib/cli/commands/user";
import { connectDatabase } from "@/lib/db/connect";
import { AppError } from "@/lib/errors/app-error";
import { stopQueue } from "@/lib/jobs/queue";

const COMMANDS: Command[] = [
  userCommand,
  projectCommand,
  importCommand,
  importRankingsCommand,
  agreementCommand,
  exportCommand,
  endpointCommand,
  templateCommand,
  generationRunCommand,
  judgeRunCommand,
  runCommandLine,
  seedCommand,
  migrateCommand,
];

export function usage(): string {
  return [
    "Usage: npm run medpref -- <command>",
    "",
    ...COMMANDS.map((c) => `       ${c.usage}`),
    "",
    "Exit codes: 0 ok, 1 failure, 2 usage error.",
  ].join("\n");
}

/** Runs one CLI command; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.out(usage());
    return name ? 0 : 2;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    io.err(`Unknown command "${name}".\n${usage()}`);
    return 2;
  }
  let connection: Awaited<ReturnType<typeof connectDatabase>> | undefined;
  try {
    if (command.needsDatabase) connection = await connectDatabase();
    const code = await command.run(args, io);
    return code ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`Usage error: ${error.message}\n${usage()}`);
      return 2;
    }
    io.err(error instanceof AppError ? error.message : `Error: ${describeError(error)}`);
    return 1;
  } finally {
    // Commands that start runs enqueue jobs; the queue's connections close before the pool's.
    await stopQueue();
    await connection?.close();
  }
}
