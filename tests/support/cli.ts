import { spawn } from "node:child_process";
import { medprefCliArgs } from "@/lib/process/node-commands";

/** Runs `npm run medpref -- …` as a child process against the given database; resolves with its exit code and output. */
export function runCli(databaseUrl: string, args: string[]) {
  const child = spawn(process.execPath, medprefCliArgs(...args), {
    env: { ...process.env, DATABASE_URL: databaseUrl, MEDPREF_DATABASE_URL: "", LOG_LEVEL: "silent" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
}
