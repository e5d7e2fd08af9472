import "server-only";
import { setTimeout as delay } from "node:timers/promises";
import { parseFlags, parseValues, UsageError, type CliIO, type Command } from "@/lib/cli/command";
import { RunStatus } from "@/generated/prisma/enums";
import { idSchema } from "@/lib/core/ids";
import { AppError } from "@/lib/errors/app-error";
import { controlRun, runCommand } from "@/lib/judge/run-commands";
import { runProgress, type RunProgress } from "@/lib/judge/runs/run-views";
import { runListing } from "@/lib/api/listings";
import { z } from "zod";

const runIdArg = idSchema("a run id");

async function progressOf(id: string): Promise<RunProgress> {
  const progress = await runProgress(id);
  if (!progress) throw new AppError("NOT_FOUND", `No run ${id}.`);
  return progress;
}

/** One line of where a run stands; `run wait` prints it each time it changes. */
export function progressLine(p: RunProgress): string {
  const reason = p.pausedReason ? ` (${p.pausedReason})` : "";
  return `${p.status.toLowerCase()}${reason}: ${p.done}/${p.total} done, ${p.failed} failed, ${p.pending} pending; ${p.callsMade} calls, $${p.costUsd.toFixed(4)}`;
}

function oneRunId(args: string[], what: string): string {
  const { positionals } = parseFlags(args, {}, true);
  if (positionals.length !== 1) throw new UsageError(`run ${what} takes one RUN_ID`);
  return parseValues(z.object({ run: runIdArg }), { run: positionals[0] }, { run: "RUN_ID" }).run;
}

/**
 * Follows a run's status in the database until it settles: 0 when it completed, 1 when it failed,
 * was cancelled or paused (a paused run waits for a person: a budget to raise, a resume).
 */
export async function waitForRun(id: string, io: CliIO, pollMs: number, timeoutMs: number | null): Promise<number> {
  const deadline = timeoutMs === null ? null : Date.now() + timeoutMs;
  let last = "";
  for (;;) {
    const progress = await progressOf(id);
    const line = progressLine(progress);
    if (line !== last) io.out(line);
    last = line;
    switch (progress.status as RunStatus) {
      case RunStatus.COMPLETED:
        return 0;
      case RunStatus.FAILED:
      case RunStatus.CANCELLED:
      case RunStatus.PAUSED:
        io.err(`The run is ${progress.status.toLowerCase()}${progress.pausedReason ? `: ${progress.pausedReason}` : "."}`);
        return 1;
      case RunStatus.QUEUED:
      case RunStatus.RUNNING:
        break;
    }
    if (deadline !== null && Date.now() >= deadline) {
      io.err(`Still ${progress.status.toLowerCase()} after --timeout; the run goes on.`);
      return 1;
    }
    await delay(pollMs);
  }
}

export const runCommandLine: Command = {
  name: "run",
  usage: [
    "run list [--json]",
    "run status RUN_ID [--json]",
    "run pause|resume|cancel RUN_ID",
    "run wait RUN_ID [--poll-ms 1000] [--timeout SECONDS]   (exit 0 completed, 1 failed, cancelled, paused or timed out)",
  ].join("\n       "),
  needsDatabase: true,
  async run(args, io) {
    const [sub, ...rest] = args;
    switch (sub) {
      case "list": {
        const { values } = parseFlags(rest, { json: { type: "boolean" } });
        const runs = await runListing();
        if (values.json) io.out(JSON.stringify(runs));
        else if (runs.length === 0) io.out("No runs yet.");
        else
          for (const r of runs)
            io.out(`${r.id}  ${r.kind.toLowerCase().padEnd(8)} ${r.status.toLowerCase().padEnd(9)} ${r.project}  ${r.name}`);
        return;
      }
      case "status": {
        const { values, positionals } = parseFlags(rest, { json: { type: "boolean" } }, true);
        const id = oneRunId(positionals, "status");
        const progress = await progressOf(id);
        io.out(values.json ? JSON.stringify(progress) : progressLine(progress));
        return;
      }
      case "pause":
      case "resume":
      case "cancel": {
        const id = oneRunId(rest, sub);
        io.out(await controlRun(id, runCommand.parse(sub), null));
        return;
      }
      case "wait": {
        const { values, positionals } = parseFlags(rest, { "poll-ms": { type: "string" }, timeout: { type: "string" } }, true);
        const id = oneRunId(positionals, "wait");
        const flags = parseValues(
          z.object({
            "poll-ms": z.coerce.number().int().min(50).max(60_000).default(1000),
            timeout: z.coerce.number().positive().optional(),
          }),
          values,
        );
        return waitForRun(id, io, flags["poll-ms"], flags.timeout === undefined ? null : flags.timeout * 1000);
      }
      default:
        throw new UsageError(`unknown subcommand "run ${sub ?? ""}"; expected:\n       ${this.usage}`);
    }
  },
};
