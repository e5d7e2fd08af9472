// The MedPref command line: `npm run medpref -- <command>`. See lib/cli/main.ts.
export {};
process.env.MEDPREF_PROCESS ??= "cli";
process.env.LOG_LEVEL ??= "warn";

const { runCli } = await import("@/lib/cli/main");
const { EnvError } = await import("@/lib/config/env");

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

try {
  const code = await runCli(process.argv.slice(2), {
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
    readStdin,
  });
  process.exitCode = code;
} catch (error) {
  process.stderr.write((error instanceof EnvError ? error.message : `Error: ${(error as Error).message}`) + "\n");
  process.exitCode = 1;
}
// Leave time for stdout to drain, but never hang on a stray handle.
setTimeout(() => process.exit(), 2_000).unref();
