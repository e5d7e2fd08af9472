import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { buildFingerprint } from "../lib/build/build-fingerprint";
import { SERVER_SCRIPT, tsxArgs } from "../lib/process/node-commands";
import { freePort, isAlive, killAndWait } from "../tests/support/processes";

/**
 * `npm start` itself (scripts/start.ts) on the production build, with its embedded PostgreSQL in
 * a temp folder: it listens on loopback only, keeps serving through a `kill -9` of its worker
 * (restarting the worker), and SIGTERM stops the web server, the worker and PostgreSQL.
 */
test.describe.configure({ timeout: 300_000 });

let start: ChildProcess;
let home: string;
let port: number;
let output = "";

function childrenOf(pid: number): { pid: number; command: string }[] {
  return fs
    .readdirSync("/proc")
    .filter((entry) => /^\d+$/.test(entry))
    .flatMap((entry) => {
      try {
        const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
        const parent = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        return parent === pid
          ? [{ pid: Number(entry), command: fs.readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0").join(" ") }]
          : [];
      } catch {
        return [];
      }
    });
}

const serviceOf = (name: "web-server.ts" | "worker.ts") => childrenOf(start.pid!).find((c) => c.command.includes(`scripts/${name}`))?.pid;

async function health(host = "127.0.0.1"): Promise<number> {
  return fetch(`http://${host}:${port}/api/health`).then(
    (r) => r.status,
    () => 0,
  );
}

/** Local addresses listening on the port, from /proc/net/tcp (hex, little-endian IPv4). */
function listeningAddresses(): string[] {
  const rows = ["/proc/net/tcp", "/proc/net/tcp6"].flatMap((file) => fs.readFileSync(file, "utf8").trim().split("\n").slice(1));
  return rows
    .map((row) => row.trim().split(/\s+/))
    .filter((cols) => cols[3] === "0A" && parseInt(cols[1]!.split(":")[1]!, 16) === port)
    .map((cols) => {
      const hex = cols[1]!.split(":")[0]!;
      return hex.length === 8
        ? hex
            .match(/../g)!
            .reverse()
            .map((b) => parseInt(b, 16))
            .join(".")
        : hex;
    });
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  // `npm test` has just built the sources; mark the build as theirs so start.ts does not build again.
  const root = process.cwd();
  fs.writeFileSync(path.join(root, ".next", "medpref-build-fingerprint"), await buildFingerprint(root));
  home = fs.mkdtempSync(path.join(os.tmpdir(), "medpref-start-"));
  port = await freePort();
  // Defaults for everything but the folder and ports: no DATABASE_URL, HOST, NEXTAUTH_*.
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    MEDPREF_HOME: home,
    MEDPREF_PG_PORT: String(await freePort()),
    PORT: String(port),
    LOG_LEVEL: "warn",
  };
  for (const name of ["DATABASE_URL", "MEDPREF_DATABASE_URL", "HOST", "NEXTAUTH_URL", "NEXTAUTH_SECRET", "MEDPREF_PROCESS"])
    delete env[name];
  start = spawn(process.execPath, tsxArgs("scripts/start.ts", [], SERVER_SCRIPT), {
    env,
    stdio: ["ignore", "pipe", "inherit"],
  });
  start.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
  await expect.poll(() => health(), { timeout: 240_000, intervals: [500] }).toBe(200);
  await expect.poll(() => serviceOf("worker.ts") ?? 0, { timeout: 60_000 }).toBeGreaterThan(0);
});

test.afterAll(async () => {
  if (start && start.exitCode === null && start.signalCode === null) {
    start.kill("SIGKILL");
  }
  fs.rmSync(home, { recursive: true, force: true });
});

test("npm start listens on 127.0.0.1 only by default", async () => {
  expect(listeningAddresses()).toEqual(["127.0.0.1"]);
});

test("after kill -9 of its worker the web server keeps answering and a new worker is started", async () => {
  const web = serviceOf("web-server.ts")!;
  const worker = serviceOf("worker.ts")!;
  process.kill(worker, "SIGKILL");
  await expect.poll(() => isAlive(worker)).toBe(false);
  expect(await health()).toBe(200);
  await expect.poll(() => serviceOf("worker.ts") ?? worker, { timeout: 30_000 }).not.toBe(worker);
  expect(output).toContain("[medpref] worker exited (SIGKILL); restarting it in 1.0 s (crash 1 in a row).");
  expect(serviceOf("web-server.ts")).toBe(web);
  expect(await health()).toBe(200);
});

test("SIGTERM stops the web server, the worker and the embedded PostgreSQL", async () => {
  const services = [serviceOf("web-server.ts")!, serviceOf("worker.ts")!];
  const postmasterPid = Number(fs.readFileSync(path.join(home, "pgdata", "postmaster.pid"), "utf8").split("\n")[0]);
  expect(isAlive(postmasterPid)).toBe(true);
  expect(await killAndWait(start, "SIGTERM")).toBe(0);
  expect([...services, postmasterPid].map(isAlive)).toEqual([false, false, false]);
  expect(fs.existsSync(path.join(home, "pgdata", "postmaster.pid"))).toBe(false);
  expect(output).toContain("[medpref] Stopped.");
});
