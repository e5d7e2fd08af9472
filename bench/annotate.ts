// `npm run bench:annotate [-- --clients 50 --seconds 60] [--json]`: simulated clinicians loop
// fetch-next → submit over HTTP against the production build, signed in, on a throwaway
// database; then the database is checked for lost, duplicated and over-k rankings. First, the
// floor: the same claim and submit code (the same SQL statements and transactions) called
// directly on a pg pool of the server's size, with the same number of clients, on a twin project
// — what PostgreSQL and the SQL allow without HTTP, Next and sessions. The app's submits per second
// are reported as a ratio of the floor's.
export {};
process.env.LOG_LEVEL ??= "warn";
/** The web server's pool size (below); the floor's pool is the same. */
const SERVER_POOL_MAX = "20";
process.env.MEDPREF_DB_POOL_MAX = SERVER_POOL_MAX;
import { spawn } from "node:child_process";
import { CLI_IMPORT_HINTS } from "@/lib/cli/import-hints";
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import { findFreePort } from "@/lib/db/embedded-postgres";
import { HttpSession } from "./http-session";
import { postgresCpuMs, postmasterPidOf, processCpuMs } from "./parts/process-cpu";
import { benchArgs, benchDatabase } from "./support";

const args = benchArgs({ clients: "50", seconds: "60", prompts: "4000", k: "3", "think-ms": "0", "floor-seconds": "" });
/** Pause of each simulated clinician between getting a prompt and submitting it (0: a closed loop at full speed). */
const thinkMs = Number(args["think-ms"]);
const clients = Number(args.clients);
const seconds = Number(args.seconds);
/** How long the floor runs (default: as long as the app). */
const floorSeconds = Number(args["floor-seconds"] || args.seconds);
const promptCount = Number(args.prompts);
const k = Number(args.k);
const log = (line: string) => {
  if (!args.json) process.stdout.write(line + "\n");
};
const root = path.resolve(import.meta.dirname, "..");

const { ensureProductionBuild, nextBin } = await import("@/lib/build/ensure-build");
await ensureProductionBuild(root, log);

const statementStats = args["pg-stats"] === "true";
const database = await benchDatabase({ statementStats });
process.env.MEDPREF_DATABASE_URL = database.url;
const { pool, closePool } = await import("@/lib/db/pool");
const { disconnectPrisma } = await import("@/lib/db/prisma");
const { createProject } = await import("@/lib/projects/create-project");
const { importPrompts } = await import("@/lib/import/import-prompts");
const { DEFAULT_IMPORT_LIMITS } = await import("@/lib/import/types");
const { hashPassword } = await import("@/lib/auth/password");

log(`Seeding ${promptCount} prompts × 8 candidates and ${clients} clinicians…`);
const project = await createProject({ slug: "bench-annotate", name: "Annotation benchmark", overlapK: k }, null);
const floorProject = await createProject({ slug: "bench-annotate-floor", name: "Annotation benchmark (floor)", overlapK: k }, null);
const lines = Array.from({ length: promptCount }, (_, i) =>
  JSON.stringify({
    id: `b${i}`,
    prompt: `Benchmark question ${i}: management of case ${i}?`,
    completions: Array.from({ length: 8 }, (_, j) => ({
      model: `model-${j}`,
      text: `Answer ${j} to ${i}. ${"Reasoning about the case. ".repeat(60)}`,
    })),
  }),
);
for (const { id } of [project, floorProject]) {
  const imported = await importPrompts({
    projectId: id,
    input: [Buffer.from(lines.join("\n"))],
    fileName: "bench.jsonl",
    bytesTotal: 0,
    format: "jsonl",
    skipInvalid: false,
    limits: DEFAULT_IMPORT_LIMITS,
    actorId: null,
    hints: CLI_IMPORT_HINTS,
  });
  if (!imported.ok) throw new Error(imported.message);
}
const password = "bench-password-123";
const passwordHash = await hashPassword(password);
const emails = Array.from({ length: clients }, (_, i) => `bench-clinician-${i}@medpref.test`);
await pool().query(
  `INSERT INTO users (email, name, role, password_hash, pseudonym) SELECT e, 'Bench ' || e, 'CLINICIAN', $2, 'bench-' || md5(e) FROM unnest($1::text[]) e`,
  [emails, passwordHash],
);

const cpuUsageSeconds = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1e6;
// This benchmark's PostgreSQL only (other PostgreSQL servers may run on the machine).
const postmasterPid = await postmasterPidOf(pool());
const postgresCpuSeconds = () => postgresCpuMs(postmasterPid) / 1000;
/**
 * The floor: each client loops claim → submit through the same functions the routes call
 * (claimNextAssignment, submitRanking), in this process, on the twin project. No HTTP, no
 * sign-in or session lookup, no Next: what is left is the SQL and the little JavaScript around it.
 */
async function measureFloor(): Promise<{ submits: number; seconds: number }> {
  const { claimNextAssignment } = await import("@/lib/annotation/claim-next-assignment");
  const { submitRanking } = await import("@/lib/annotation/submit-ranking");
  const { rows: users } = await pool().query<{ id: string }>(`SELECT id FROM users WHERE email = ANY($1::text[]) ORDER BY email`, [emails]);
  let submits = 0;
  const started = performance.now();
  const floorDeadline = started + floorSeconds * 1000;
  await Promise.all(
    users.map(async (user) => {
      while (performance.now() < floorDeadline) {
        const next = await claimNextAssignment({ id: user.id, specialties: [] }, floorProject.slug);
        if (!next) return;
        const tiers = [...next.candidates].sort(() => Math.random() - 0.5).map((c) => [c.id]);
        if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random())));
        const result = await submitRanking({
          userId: user.id,
          assignmentId: next.assignment.id,
          submission: { tiers, details: {}, rationale: null, timeOnTaskMs: 1000 },
          idempotencyKey: randomUUID(),
        });
        if (result.status === 201) submits += 1;
      }
    }),
  );
  return { submits, seconds: (performance.now() - started) / 1000 };
}
log(`Floor: ${clients} clients claiming and submitting through the same SQL on a pg pool of ${SERVER_POOL_MAX}, for ${floorSeconds} s…`);
const floorCpuBefore = { postgres: postgresCpuSeconds(), client: process.cpuUsage() };
const floor = await measureFloor();
const floorCpu = {
  postgres: postgresCpuSeconds() - floorCpuBefore.postgres,
  client: cpuUsageSeconds(process.cpuUsage(floorCpuBefore.client)),
};
const floorSubmitsPerSecond = floor.submits / floor.seconds;

const port = await findFreePort();
const baseUrl = `http://127.0.0.1:${port}`;
const server = spawn(
  process.execPath,
  [
    ...(process.env.BENCH_SERVER_NODE_ARGS?.split(" ").filter(Boolean) ?? []),
    nextBin(root),
    "start",
    "-p",
    String(port),
    "-H",
    "127.0.0.1",
  ],
  {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      MEDPREF_DATABASE_URL: "",
      NEXTAUTH_URL: baseUrl,
      NEXTAUTH_SECRET: "bench-secret-0123456789-0123456789-0123",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      MEDPREF_DB_POOL_MAX: SERVER_POOL_MAX,
      MEDPREF_LOGIN_MAX_FAILURES_PER_IP: "100000",
    },
    stdio: ["ignore", "ignore", "inherit"],
  },
);
for (let i = 0; ; i++) {
  const ok = await fetch(`${baseUrl}/api/health`).then(
    (r) => r.ok,
    () => false,
  );
  if (ok) break;
  if (i > 240) throw new Error("the server did not start");
  await new Promise((r) => setTimeout(r, 250));
}

log(`Signing in ${clients} clinicians…`);
// Eight at a time: each sign-in holds a connection while it waits for the password-hash budget,
// and 50 at once on a loaded machine outwait the pool's connection timeout (a 401).
const sessions: HttpSession[] = [];
for (let i = 0; i < emails.length; i += 8) {
  sessions.push(
    ...(await Promise.all(
      emails.slice(i, i + 8).map(async (email) => {
        const s = new HttpSession(baseUrl);
        await s.signIn(email, password);
        return s;
      }),
    )),
  );
}

// Warm-up: a few requests per route, not measured.
await sessions[0]!.request(`/api/projects/${project.slug}/annotation/progress`).then((r) => r.text());

const cpu = () => ({
  server: processCpuMs(server.pid!) / 1000,
  postgres: postgresCpuSeconds(),
  clients: cpuUsageSeconds(process.cpuUsage()),
});
if (statementStats) await pool().query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements; SELECT pg_stat_statements_reset()");
const cpuBefore = cpu();
const latencies: Record<"next" | "submit", number[]> = { next: [], submit: [] };
let errors = 0;
const errorSamples: string[] = [];
const acknowledged: string[] = [];
const deadline = performance.now() + seconds * 1000;
log(`Running ${clients} clients for ${seconds} s…`);

async function timed(kind: "next" | "submit", run: () => Promise<Response>): Promise<Response | null> {
  const started = performance.now();
  try {
    const res = await run();
    const body = await res.text();
    latencies[kind].push(performance.now() - started);
    if (!res.ok) {
      errors += 1;
      if (errorSamples.length < 5) errorSamples.push(`${kind} ${res.status} ${body.slice(0, 200)}`);
      return null;
    }
    return new Response(body, { status: res.status });
  } catch (e) {
    errors += 1;
    if (errorSamples.length < 5) errorSamples.push(`${kind} ${(e as Error).message}`);
    return null;
  }
}

await Promise.all(
  sessions.map(async (session) => {
    while (performance.now() < deadline) {
      const next = await timed("next", () => session.request(`/api/projects/${project.slug}/annotation/next`));
      if (!next) continue;
      const payload = (await next.json()) as { done: boolean; assignment?: { id: string }; candidates?: { id: string }[] };
      if (payload.done || !payload.assignment || !payload.candidates) return;
      const tiers = [...payload.candidates].sort(() => Math.random() - 0.5).map((c) => [c.id]);
      if (thinkMs > 0) await new Promise((r) => setTimeout(r, thinkMs * (0.5 + Math.random())));
      const submitted = await timed("submit", () =>
        session.request(`/api/assignments/${payload.assignment!.id}/submit`, {
          method: "POST",
          headers: { "content-type": "application/json", "idempotency-key": randomUUID() },
          body: JSON.stringify({ tiers, details: {}, rationale: null, timeOnTaskMs: 1000 }),
        }),
      );
      if (submitted) acknowledged.push(((await submitted.json()) as { rankingId: string }).rankingId);
    }
  }),
);
const elapsed = seconds;
const cpuAfter = cpu();
const cpuUsed = {
  server: cpuAfter.server - cpuBefore.server,
  postgres: cpuAfter.postgres - cpuBefore.postgres,
  clients: cpuAfter.clients - cpuBefore.clients,
};

// The database must hold every acknowledged ranking, once, and no prompt more than k.
const {
  rows: [check],
} = await pool().query<{ lost: number; duplicates: number; over_k: number; stored: number }>(
  `SELECT (SELECT count(*) FROM unnest($1::uuid[]) a(id) WHERE NOT EXISTS (SELECT 1 FROM rankings r WHERE r.id = a.id))::int AS lost,
          (SELECT count(*) FROM (SELECT prompt_id, rater_id FROM rankings WHERE kind = 'HUMAN' GROUP BY 1, 2 HAVING count(*) > 1) d)::int
            + (SELECT count(*) FROM (SELECT ranking_id FROM ranking_revisions GROUP BY ranking_id, revision HAVING count(*) > 1) d)::int AS duplicates,
          (SELECT count(*) FROM (SELECT prompt_id FROM rankings WHERE kind = 'HUMAN' GROUP BY prompt_id HAVING count(*) > $2) o)::int AS over_k,
          (SELECT count(*) FROM rankings WHERE kind = 'HUMAN')::int AS stored`,
  [acknowledged, k],
);

const round1 = (x: number) => Math.round(x * 10) / 10;
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return Math.round(sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! * 10) / 10;
};
const all = [...latencies.next, ...latencies.submit];
const result = {
  clients,
  seconds: elapsed,
  thinkMs,
  requests: all.length,
  errors,
  p50Ms: percentile(all, 50),
  p95Ms: percentile(all, 95),
  p99Ms: percentile(all, 99),
  lost: check!.lost,
  duplicates: check!.duplicates,
  overK: check!.over_k,
  submitsPerSecond: round1(acknowledged.length / elapsed),
  floorSubmitsPerSecond: round1(floorSubmitsPerSecond),
  /** The app's submits per second over the floor's (target ≥ 0.5 at 50 clients). */
  ratio: Math.round((acknowledged.length / elapsed / floorSubmitsPerSecond) * 1000) / 1000,
};

if (statementStats && !args.json) {
  const { rows } = await pool().query(
    `SELECT calls, round(total_exec_time::numeric, 1) AS total_ms, round(mean_exec_time::numeric, 3) AS mean_ms, left(regexp_replace(query, '\\s+', ' ', 'g'), 110) AS query FROM pg_stat_statements ORDER BY total_exec_time DESC LIMIT 12`,
  );
  log("Top statements by total execution time:");
  for (const r of rows)
    log(`  ${String(r.total_ms).padStart(8)} ms  ${String(r.calls).padStart(6)} calls  ${String(r.mean_ms).padStart(7)} ms  ${r.query}`);
}
server.kill("SIGTERM");
await disconnectPrisma();
await closePool();
await database.close();

if (args.json) {
  process.stdout.write(JSON.stringify(result) + "\n");
} else {
  log("");
  log(
    `Machine: ${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}; server, PostgreSQL and clients on the same machine; think time ${thinkMs} ms`,
  );
  log(
    `Requests: ${result.requests} in ${elapsed} s = ${(result.requests / elapsed).toFixed(1)} requests/s; ${acknowledged.length} rankings submitted (${check!.stored} stored)`,
  );
  for (const kind of ["next", "submit"] as const) {
    log(
      `  ${kind.padEnd(7)} n=${latencies[kind].length}  p50 ${percentile(latencies[kind], 50)} ms  p95 ${percentile(latencies[kind], 95)} ms  p99 ${percentile(latencies[kind], 99)} ms`,
    );
  }
  log(`  all     p50 ${result.p50Ms} ms  p95 ${result.p95Ms} ms  p99 ${result.p99Ms} ms  (target: p95 < 150 ms)`);
  log(
    `CPU seconds during the run: web server ${cpuUsed.server.toFixed(1)}, PostgreSQL ${cpuUsed.postgres.toFixed(1)}, load generator ${cpuUsed.clients.toFixed(1)} (of ${(2 * elapsed).toFixed(0)} available)`,
  );
  log(
    `Floor (same SQL on a bare pg pool, ${clients} clients): ${floor.submits} submits in ${floor.seconds.toFixed(1)} s = ${result.floorSubmitsPerSecond} submits/s; the app: ${result.submitsPerSecond} submits/s = ${result.ratio} of the floor (target ≥ 0.5)`,
  );
  const perSubmit = (cpuSeconds: number, submits: number) => `${((cpuSeconds / submits) * 1000).toFixed(1)} ms`;
  log(
    `CPU per submitted ranking (claim + submit): floor — PostgreSQL ${perSubmit(floorCpu.postgres, floor.submits)}, client (the same functions, in process) ${perSubmit(floorCpu.client, floor.submits)}; app — web server ${perSubmit(cpuUsed.server, acknowledged.length)}, PostgreSQL ${perSubmit(cpuUsed.postgres, acknowledged.length)}, load generator ${perSubmit(cpuUsed.clients, acknowledged.length)}`,
  );
  log(`Errors: ${errors}${errorSamples.length ? `\n  ${errorSamples.join("\n  ")}` : ""}`);
  log(`Database check: lost ${result.lost}, duplicated ${result.duplicates}, over k ${result.overK}`);
}
process.exit(0);
