import "server-only";
import { describeError, UsageError, type CliIO, type Command } from "@/lib/cli/command";
import { connectDatabase } from "@/lib/db/connect";
import { AppError } from "@/lib/errors/app-error";

interface CommandEntry {
  load: () => Promise<Command>;
  /** It may enqueue jobs (it reaches lib/judge/run-commands, the only user of the queue): the queue is stopped after it. */
  enqueues?: true;
}

/**
 * Every command by name, in usage order, each module loaded only when it runs: together their
 * imports (the judge, pg-boss, agreement, exports) cost every command about a second of start-up
 * CPU (an export at 20k prompts spent ~2.6 s of CPU before its first query).
 */
const COMMANDS = new Map<string, CommandEntry>([
  ["user", { load: async () => (await import("@/lib/cli/commands/user")).userCommand }],
  ["project", { load: async () => (await import("@/lib/cli/commands/project")).projectCommand }],
  ["import", { load: async () => (await import("@/lib/cli/commands/import")).importCommand }],
  ["import-rankings", { load: async () => (await import("@/lib/cli/commands/import-rankings")).importRankingsCommand }],
  ["agreement", { load: async () => (await import("@/lib/cli/commands/agreement")).agreementCommand }],
  ["export", { load: async () => (await import("@/lib/cli/commands/export")).exportCommand }],
  ["verification", { load: async () => (await import("@/lib/cli/commands/verification")).verificationCommand }],
  ["rm-eval", { load: async () => (await import("@/lib/cli/commands/rm-eval")).rmEvalCommand }],
  ["endpoint", { load: async () => (await import("@/lib/cli/commands/endpoint")).endpointCommand }],
  ["template", { load: async () => (await import("@/lib/cli/commands/template")).templateCommand }],
  ["generation-run", { load: async () => (await import("@/lib/cli/commands/generation-run")).generationRunCommand, enqueues: true }],
  ["judge-run", { load: async () => (await import("@/lib/cli/commands/judge-run")).judgeRunCommand, enqueues: true }],
  ["run", { load: async () => (await import("@/lib/cli/commands/run")).runCommandLine, enqueues: true }],
  ["seed", { load: async () => (await import("@/lib/cli/commands/seed")).seedCommand }],
  ["migrate", { load: async () => (await import("@/lib/cli/commands/migrate")).migrateCommand }],
]);

export async function usage(): Promise<string> {
  const commands = await Promise.all([...COMMANDS.values()].map((c) => c.load()));
  return [
    "Usage: npm run medpref -- <command>",
    "",
    ...commands.map((c) => `       ${c.usage}`),
    "",
    "Exit codes: 0 ok, 1 failure, 2 usage error.",
  ].join("\n");
}

/** Runs one CLI command; returns the exit code (0 ok, 1 failure, 2 usage error). */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    io.out(await usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS.get(name);
  if (!entry) {
    io.err(`Unknown command "${name}".\n${await usage()}`);
    return 2;
  }
  const command = await entry.load();
  let connection: Awaited<ReturnType<typeof connectDatabase>> | undefined;
  try {
    if (command.needsDatabase) connection = await connectDatabase();
    const code = await command.run(args, io);
    return code ?? 0;
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`Usage error: ${error.message}\n${await usage()}`);
      return 2;
    }
    io.err(error instanceof AppError ? error.message : `Error: ${describeError(error)}`);
    return 1;
  } finally {
    // Commands that start runs enqueue jobs; the queue's connections close before the pool's.
    if (entry.enqueues) await (await import("@/lib/jobs/queue")).stopQueue();
    await connection?.close();
  }
}
