import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { createScratchDatabase } from "../../lib/db/scratch-database";
import { E2E_BASE_URL, E2E_JUDGE_KEY_ENV, E2E_OIDC, E2E_PASSWORD, E2E_PORT, E2E_PROJECT, E2E_STATE_FILE, E2E_USERS } from "./constants";
import { JOB_PROCESS, SERVER_SCRIPT, WEB_SERVER, tsxArgs } from "../../lib/process/node-commands";

/**
 * Starts a real PostgreSQL (embedded in a temp folder, or a fresh database on DATABASE_URL's
 * server), migrates it, creates one user per role through the app's own code, and starts the
 * production build against it through MedPref's own web server (scripts/web-server.ts, as
 * `npm start` runs it), so the app sees the real client address.
 */
export default async function globalSetup() {
  const home = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-e2e-"));
  await fs.chmod(home, 0o755);
  // With DATABASE_URL, a fresh database on that server; without, the seeding helper below
  // starts an embedded server in `home`.
  const databaseUrl = process.env.DATABASE_URL ? await createScratchDatabase(process.env.DATABASE_URL, `medpref_e2e_${Date.now()}`) : "";
  const env = {
    ...process.env,
    MEDPREF_HOME: home,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: "warn",
    NODE_ENV: "production",
  } as NodeJS.ProcessEnv;

  // The embedded server is owned by a long-running helper, so it outlives this setup function.
  const dbHelper = spawn(process.execPath, tsxArgs("e2e/support/database-helper.ts", [], SERVER_SCRIPT), {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  const ready = await new Promise<{ url: string; fakeOpenAIUrl: string; oidcIssuer: string }>((resolve, reject) => {
    let out = "";
    dbHelper.stdout!.on("data", (d) => {
      out += d;
      const line = out.split("\n").find((l) => l.startsWith("READY "));
      if (line) resolve(JSON.parse(line.slice(6)));
    });
    dbHelper.on("exit", (code) => reject(new Error(`database helper exited with ${code}`)));
  });

  const appEnv = {
    ...env,
    DATABASE_URL: ready.url,
    [E2E_JUDGE_KEY_ENV]: "e2e-judge-key",
    NEXTAUTH_URL: E2E_BASE_URL,
    NEXTAUTH_SECRET: "e2e-secret-0123456789-0123456789-abcdef",
    NEXT_TELEMETRY_DISABLED: "1",
    OIDC_ISSUER: ready.oidcIssuer,
    OIDC_CLIENT_ID: E2E_OIDC.clientId,
    OIDC_CLIENT_SECRET: E2E_OIDC.clientSecret,
    OIDC_DISPLAY_NAME: E2E_OIDC.displayName,
  };
  const server = spawn(process.execPath, tsxArgs("scripts/web-server.ts", [], WEB_SERVER), {
    env: { ...appEnv, MEDPREF_PROCESS: "web", PORT: String(E2E_PORT), HOST: "127.0.0.1" },
    stdio: "inherit",
  });
  // The background worker, as `npm start` runs it beside the web server: judge runs need it.
  const worker = spawn(process.execPath, tsxArgs("scripts/worker.ts", [], JOB_PROCESS), {
    env: { ...appEnv, MEDPREF_PROCESS: "worker", MEDPREF_WORKER_CONCURRENCY: "4" },
    stdio: "inherit",
  });
  const deadline = Date.now() + 90_000;
  for (;;) {
    try {
      const res = await fetch(`${E2E_BASE_URL}/api/health`);
      if (res.ok) break;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error("the app did not start within 90 s");
    await new Promise((r) => setTimeout(r, 500));
  }
  await fs.mkdir(path.dirname(E2E_STATE_FILE), { recursive: true });
  await fs.writeFile(
    E2E_STATE_FILE,
    JSON.stringify({
      home,
      serverPid: server.pid,
      workerPid: worker.pid,
      dbHelperPid: dbHelper.pid,
      databaseUrl: ready.url,
      fakeOpenAIUrl: ready.fakeOpenAIUrl,
      oidcIssuer: ready.oidcIssuer,
      users: E2E_USERS,
      password: E2E_PASSWORD,
      project: E2E_PROJECT,
    }),
  );
}
