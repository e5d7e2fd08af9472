// `npm start`: builds when needed, starts (or attaches to) the embedded PostgreSQL, migrates,
// seeds the demo on first start, then runs the web server and the worker until Ctrl-C.
// `npm start -- --dev` runs `next dev` instead of the production build.
export {};
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";

process.env.MEDPREF_PROCESS ??= "start";
process.env.NEXT_TELEMETRY_DISABLED = "1";
const root = process.cwd();
const dev = process.argv.includes("--dev");

const { env, EnvError } = await import("@/lib/config/env");
let config: ReturnType<typeof env>;
try {
  config = env();
} catch (e) {
  process.stderr.write(`${e instanceof EnvError ? e.message : String(e)}\n`);
  process.exit(1);
}
const { connectDatabase } = await import("@/lib/db/connect");
const { formatCredentials, seedDemo } = await import("@/lib/demo/seed-demo");
const { ensureProductionBuild, nextBin: nextBinOf } = await import("@/lib/build/ensure-build");

const say = (line: string) => process.stdout.write(`[medpref] ${line}\n`);
const nextBin = nextBinOf(root);

if (!dev) await ensureProductionBuild(root, say);

say(config.DATABASE_URL ? "Connecting to DATABASE_URL…" : `Starting the embedded PostgreSQL in ${path.resolve(config.MEDPREF_HOME)}…`);
const connection = await connectDatabase();
say("Database ready and migrated.");

if (!config.DATABASE_URL || config.MEDPREF_SEED_DEMO) {
  const seeded = await seedDemo();
  if (seeded.created) {
    say(`Seeded the demo project "demo-medqa" with ${seeded.prompts} prompts.`);
    for (const line of formatCredentials(seeded.credentials)) say(line);
  }
}

// Children share one session secret when none is configured (sessions end when MedPref stops).
const childEnv: Record<string, string | undefined> = {
  ...process.env,
  NEXTAUTH_URL: process.env.NEXTAUTH_URL ?? `http://localhost:${config.PORT}`,
  NEXTAUTH_SECRET: process.env.NEXTAUTH_SECRET ?? randomBytes(32).toString("base64url"),
  MEDPREF_PROCESS: undefined,
};

const children = new Map<string, ChildProcess>();
let stopping = false;

function launch(name: string, command: string, args: string[], extraEnv: Record<string, string> = {}) {
  const child = spawn(command, args, { stdio: "inherit", env: { ...childEnv, ...extraEnv } as NodeJS.ProcessEnv });
  children.set(name, child);
  child.on("exit", (code, signal) => {
    children.delete(name);
    if (stopping) return;
    say(`${name} exited (${signal ?? `code ${code}`}); stopping MedPref.`);
    void shutdown(1);
  });
}

launch("web", process.execPath, [nextBin, dev ? "dev" : "start", "-p", String(config.PORT)], { MEDPREF_PROCESS: "web", NODE_ENV: dev ? "development" : "production" });
launch("worker", process.execPath, ["--import", "tsx", path.join(root, "scripts", "worker.ts")], { MEDPREF_PROCESS: "worker" });
say(`MedPref is starting at http://localhost:${config.PORT} (Ctrl-C stops it).`);

async function shutdown(code: number) {
  if (stopping) return;
  stopping = true;
  say("Stopping…");
  const exits = [...children.values()].map((child) => new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.kill("SIGTERM");
    setTimeout(() => child.kill("SIGKILL"), 15_000).unref();
  }));
  await Promise.all(exits);
  await connection.close();
  say("Stopped.");
  process.exit(code);
}

process.on("SIGINT", () => void shutdown(0));
process.on("SIGTERM", () => void shutdown(0));
