// `npm start`: builds when needed, starts (or attaches to) the embedded PostgreSQL, migrates,
// seeds the demo on first start, then runs the web server and the worker until Ctrl-C.
// A web server or worker that dies is restarted (lib/process/supervisor.ts); Ctrl-C or SIGTERM
// stops both and the embedded PostgreSQL this process started.
// `npm start -- --dev` runs Next in development mode instead of the production build.
export {};
import { randomBytes } from "node:crypto";
import path from "node:path";

process.env.MEDPREF_PROCESS ??= "start";
process.env.NEXT_TELEMETRY_DISABLED = "1";
const root = process.cwd();
const dev = process.argv.includes("--dev");

const { envOrExit } = await import("@/lib/config/env");
const config = envOrExit();
const { connectDatabase } = await import("@/lib/db/connect");
const { formatCredentials, seedDemo } = await import("@/lib/demo/seed-demo");
const { ensureProductionBuild } = await import("@/lib/build/ensure-build");
const { Supervisor } = await import("@/lib/process/supervisor");
const { JOB_PROCESS, scriptArgs, WEB_SERVER } = await import("@/lib/process/node-commands");

const say = (line: string) => process.stdout.write(`[medpref] ${line}\n`);

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
const childEnv = {
  ...process.env,
  NEXTAUTH_URL: config.NEXTAUTH_URL ?? `http://localhost:${config.PORT}`,
  NEXTAUTH_SECRET: config.NEXTAUTH_SECRET ?? randomBytes(32).toString("base64url"),
  MEDPREF_PROCESS: undefined,
} as NodeJS.ProcessEnv;

const supervisor = new Supervisor(
  [
    {
      name: "web",
      command: process.execPath,
      args: scriptArgs(root, "web-server.ts", dev ? ["--dev"] : [], WEB_SERVER),
      env: { ...childEnv, MEDPREF_PROCESS: "web", NODE_ENV: dev ? "development" : "production" },
    },
    {
      name: "worker",
      command: process.execPath,
      args: scriptArgs(root, "worker.ts", [], JOB_PROCESS),
      env: { ...childEnv, MEDPREF_PROCESS: "worker" },
    },
  ],
  { log: say },
);
supervisor.start();
const shownHost = config.HOST === "127.0.0.1" ? "localhost" : config.HOST;
say(`MedPref is starting at http://${shownHost}:${config.PORT} (Ctrl-C stops it).`);

let stopping = false;
async function shutdown() {
  if (stopping) return;
  stopping = true;
  say("Stopping…");
  await supervisor.stop();
  await connection.close();
  say("Stopped.");
  process.exit(0);
}

process.on("SIGINT", () => void shutdown());
process.on("SIGTERM", () => void shutdown());
