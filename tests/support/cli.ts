import { spawn } from "node:child_process";
import { medprefCliArgs } from "@/lib/process/node-commands";

/**
 * Runs `npm run medpref -- …` as a child process against the given database, with `stdin` as its
 * input; resolves with its exit code and output (the child is there for tests that kill it).
 */
export function runCli(databaseUrl: string, args: string[], stdin = "") {
  const child = spawn(process.execPath, medprefCliArgs(...args), {
    env: { ...process.env, DATABASE_URL: databaseUrl, MEDPREF_DATABASE_URL: "", LOG_LEVEL: "silent" },
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d) => (stdout += d));
  child.stderr.on("data", (d) => (stderr += d));
  child.stdin.end(stdin);
  const done = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code) => resolve({ code, stdout, stderr })),
  );
  return Object.assign(done, { child });
}
