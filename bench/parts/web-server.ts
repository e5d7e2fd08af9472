import { spawn, type ChildProcess } from "node:child_process";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { scriptArgs, WEB_SERVER } from "@/lib/process/node-commands";

export interface BenchWebServer {
  baseUrl: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** The production web server (scripts/web-server.ts, as `npm start` runs it) on a free port, answering /api/health. */
export async function startWebServer(root: string, databaseUrl: string, env: Record<string, string> = {}): Promise<BenchWebServer> {
  const port = await findFreePort();
  const baseUrl = `http://127.0.0.1:${port}`;
  const child = spawn(process.execPath, scriptArgs(root, "web-server.ts", [], WEB_SERVER), {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      MEDPREF_DATABASE_URL: "",
      PORT: String(port),
      HOST: "127.0.0.1",
      NEXTAUTH_URL: baseUrl,
      NEXTAUTH_SECRET: "bench-secret-0123456789-0123456789-0123",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      MEDPREF_LOGIN_MAX_FAILURES_PER_IP: "100000",
      ...env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`the web server exited (${child.exitCode}) before answering`);
    const ok = await fetch(`${baseUrl}/api/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    if (i > 480) throw new Error("the web server did not answer /api/health within 2 minutes");
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    baseUrl,
    process: child,
    async stop() {
      child.kill("SIGTERM");
      await exited;
    },
  };
}
