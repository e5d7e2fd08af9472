import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, request as playwrightRequest, test, type APIRequestContext, type Browser } from "@playwright/test";
import pg from "pg";
import { createScratchDatabase, dropScratchDatabase } from "../lib/db/scratch-database";
import { JOB_PROCESS, SERVER_SCRIPT, WEB_SERVER, tsxArgs, type NodeProcessKind } from "../lib/process/node-commands";
import { startFakeOpenAI, type FakeOpenAI } from "../tests/support/fake-openai-server";
import { exitOf, freePort, killAndWait } from "../tests/support/processes";
import { E2E_PASSWORD, E2E_STATE_FILE } from "./support/constants";
import { MULTI_SERVER } from "./support/multi-server";

/**
 * Several MedPref processes on one PostgreSQL database, as deployed behind a load balancer: two web
 * servers (A and B) and two workers, sharing NEXTAUTH_SECRET and nothing else but the database (no
 * shared MEDPREF_HOME). A fresh database on the e2e PostgreSQL server, so the suite's own worker
 * takes none of the work.
 */
test.describe.configure({ mode: "serial", timeout: 240_000 });

const SECRET = "multi-server-secret-0123456789-0123456789";
const WORKER_KEYS = ["sk-worker-one", "sk-worker-two"];
const processes: ChildProcess[] = [];
const homes: string[] = [];
let fake: FakeOpenAI;
let serverUrl: string;
let databaseName: string;
let databaseUrl: string;
let runId: string;
let A: string;
let B: string;

async function query<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** A MedPref process with its own MEDPREF_HOME (nothing shared on disk). */
function startProcess(script: string, kind: NodeProcessKind, env: Record<string, string>): ChildProcess {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), "medpref-multi-"));
  homes.push(home);
  const child = spawn(process.execPath, tsxArgs(script, [], kind), {
    env: {
      ...process.env,
      MEDPREF_HOME: home,
      DATABASE_URL: databaseUrl,
      MEDPREF_DATABASE_URL: "",
      NODE_ENV: "production",
      LOG_LEVEL: "warn",
      ...env,
    },
    stdio: ["ignore", "inherit", "inherit"],
  });
  processes.push(child);
  return child;
}

const health = (url: string) =>
  fetch(`${url}/api/health`).then(
    (r) => r.status,
    () => 0,
  );

/** A cookie jar signed in through next-auth's credentials endpoint of `server`. */
async function signedIn(email: string, server: string): Promise<APIRequestContext> {
  const context = await playwrightRequest.newContext();
  const { csrfToken } = (await (await context.get(`${server}/api/auth/csrf`)).json()) as { csrfToken: string };
  await context.post(`${server}/api/auth/callback/credentials`, {
    form: { csrfToken, email, password: E2E_PASSWORD, json: "true" },
    timeout: 120_000,
  });
  const session = (await (await context.get(`${server}/api/auth/session`)).json()) as { user?: { email?: string } };
  expect(session.user?.email, `${email} signed in on ${server}`).toBe(email);
  return context;
}

test.beforeAll(async () => {
  test.setTimeout(300_000);
  const state = JSON.parse(fs.readFileSync(E2E_STATE_FILE, "utf8")) as { databaseUrl: string };
  serverUrl = state.databaseUrl;
  databaseName = `medpref_multi_${Date.now()}`;
  databaseUrl = await createScratchDatabase(serverUrl, databaseName);
  fake = await startFakeOpenAI();
  // The judge's answers wait until both workers have calls in flight (released in the judge test).
  fake.holdChats(true);

  const seed = spawn(process.execPath, tsxArgs("e2e/support/multi-server-seed.ts", [], SERVER_SCRIPT), {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      MEDPREF_DATABASE_URL: "",
      LOG_LEVEL: "warn",
      MEDPREF_E2E_FAKE_OPENAI_URL: fake.url,
      [MULTI_SERVER.keyEnv]: "sk-seed",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  seed.stdout!.on("data", (d: Buffer) => (out += d.toString()));
  expect(await exitOf(seed)).toBe(0);
  runId = (
    JSON.parse(
      out
        .split("\n")
        .find((l) => l.startsWith("READY "))!
        .slice(6),
    ) as { runId: string }
  ).runId;

  const [portA, portB] = [await freePort(), await freePort()];
  [A, B] = [`http://127.0.0.1:${portA}`, `http://127.0.0.1:${portB}`];
  for (const [url, port] of [
    [A, portA],
    [B, portB],
  ] as const) {
    startProcess("scripts/web-server.ts", WEB_SERVER, {
      MEDPREF_PROCESS: "web",
      PORT: String(port),
      HOST: "127.0.0.1",
      NEXTAUTH_URL: url,
      NEXTAUTH_SECRET: SECRET,
      [MULTI_SERVER.keyEnv]: "sk-web",
    });
  }
  for (const key of WORKER_KEYS) {
    startProcess("scripts/worker.ts", JOB_PROCESS, {
      MEDPREF_PROCESS: "worker",
      MEDPREF_WORKER_CONCURRENCY: "2",
      // Calls are held unanswered until both workers have some: no timeout (and retry) meanwhile.
      MEDPREF_JUDGE_TIMEOUT_MS: "900000",
      [MULTI_SERVER.keyEnv]: key,
    });
  }
  await expect.poll(async () => [await health(A), await health(B)], { timeout: 180_000, intervals: [500] }).toEqual([200, 200]);
});

test.afterAll(async () => {
  test.setTimeout(120_000);
  // Held calls would keep the workers' graceful stop waiting.
  fake?.holdChats(false);
  await Promise.all(processes.map((child) => killAndWait(child, "SIGTERM")));
  await fake?.close();
  if (databaseName) await dropScratchDatabase(serverUrl, databaseName);
  for (const home of homes) fs.rmSync(home, { recursive: true, force: true });
});

test("a judge run spread over both workers pays each prompt × permutation once", async () => {
  const units = MULTI_SERVER.judgePrompts * MULTI_SERVER.permutations;
  const callsBy = (key: string) => fake.calls.filter((c) => c.authorization === `Bearer ${key}`).length;
  // Both workers hold calls in flight before any is answered: each does part of the run.
  await expect
    .poll(() => WORKER_KEYS.map((key) => callsBy(key) > 0), {
      timeout: 120_000,
      message: `calls per worker key: ${JSON.stringify(WORKER_KEYS.map(callsBy))}; processes alive: ${JSON.stringify(processes.map((p) => p.exitCode === null && p.signalCode === null))}`,
    })
    .toEqual([true, true]);
  fake.holdChats(false);
  await expect
    .poll(async () => (await query<{ status: string }>(`SELECT status FROM judge_runs WHERE id = $1`, [runId]))[0]?.status, {
      timeout: 120_000,
    })
    .toBe("COMPLETED");
  // The test server saw one request per (prompt, permutation): each shows a distinct conversation.
  const shown = fake.calls.map((c) => c.body.messages.map((m) => m.content).join("\n"));
  expect(fake.calls).toHaveLength(units);
  expect(new Set(shown).size).toBe(units);
  expect(callsBy(WORKER_KEYS[0]!) + callsBy(WORKER_KEYS[1]!)).toBe(units);
  expect(WORKER_KEYS.map((key) => callsBy(key) >= 1)).toEqual([true, true]);
  const stored = await query<{ rankings: number; pairs: number; done: number }>(
    `SELECT (SELECT count(*)::int FROM rankings WHERE judge_run_id = $1) AS rankings,
            (SELECT count(DISTINCT (prompt_id, permutation_index))::int FROM rankings WHERE judge_run_id = $1) AS pairs,
            (SELECT count(*)::int FROM judge_units WHERE run_id = $1 AND state = 'DONE') AS done`,
    [runId],
  );
  expect(stored).toEqual([{ rankings: units, pairs: units, done: units }]);
});

test("clinicians claiming through both servers at once never push a prompt past k rankings", async () => {
  const clinicians = await Promise.all(MULTI_SERVER.clinicians.map((email, i) => signedIn(email, i % 2 ? B : A)));
  const submitted = await Promise.all(
    clinicians.map(async (api, i) => {
      let count = 0;
      // Each round claims on one server and submits on the other, starting on alternate servers.
      for (let round = 0; ; round++) {
        const [claimOn, submitOn] = (i + round) % 2 ? [B, A] : [A, B];
        const next = await api.get(`${claimOn}/api/projects/${MULTI_SERVER.claimProject}/annotation/next`);
        expect(next.status()).toBe(200);
        const payload = (await next.json()) as { done: boolean; assignment?: { id: string }; candidates?: { id: string }[] };
        if (payload.done) return count;
        const res = await api.post(`${submitOn}/api/assignments/${payload.assignment!.id}/submit`, {
          headers: { "content-type": "application/json", "idempotency-key": randomUUID() },
          data: JSON.stringify({ tiers: payload.candidates!.map((c) => [c.id]), details: {}, rationale: null, timeOnTaskMs: 1000 }),
        });
        expect(res.status(), await res.text()).toBe(201);
        count += 1;
      }
    }),
  );
  await Promise.all(clinicians.map((c) => c.dispose()));
  const perPrompt = await query<{ externalId: string; rankings: number; raters: number }>(
    `SELECT p.external_id AS "externalId", count(r.id)::int AS rankings, count(DISTINCT r.rater_id)::int AS raters
       FROM prompts p JOIN projects j ON j.id = p.project_id LEFT JOIN rankings r ON r.prompt_id = p.id AND r.kind = 'HUMAN'
      WHERE j.slug = $1 GROUP BY p.external_id ORDER BY p.external_id`,
    [MULTI_SERVER.claimProject],
  );
  // Every prompt exactly k (never more), each by k different clinicians; every acknowledged submit stored.
  expect(perPrompt).toEqual(
    Array.from({ length: MULTI_SERVER.claimPrompts }, (_, i) => ({
      externalId: `claim-${i}`,
      rankings: MULTI_SERVER.k,
      raters: MULTI_SERVER.k,
    })).sort((x, y) => x.externalId.localeCompare(y.externalId)),
  );
  expect(submitted.reduce((a, b) => a + b, 0)).toBe(MULTI_SERVER.claimPrompts * MULTI_SERVER.k);
});

test("a session made on server A works on server B, and signing out on B ends it on A", async ({ browser }) => {
  const email = MULTI_SERVER.clinicians[0]!;
  const progress = `/api/projects/${MULTI_SERVER.claimProject}/annotation/progress`;
  const context = await browser.newContext();
  const page = await context.newPage();
  // Cookies belong to the host, not the port: this browser sends A's session cookie to B too.
  const { csrfToken } = (await (await page.request.get(`${A}/api/auth/csrf`)).json()) as { csrfToken: string };
  await page.request.post(`${A}/api/auth/callback/credentials`, {
    form: { csrfToken, email, password: E2E_PASSWORD, json: "true" },
    timeout: 120_000,
  });
  const saved = await context.cookies();
  /** What a fresh browser holding a copy of the cookie gets from `server`: a route handler's status and where a page lands. */
  const sessionOn = async (server: string, b: Browser) => {
    const replay = await b.newContext();
    await replay.addCookies(saved);
    const api = (await replay.request.get(`${server}${progress}`)).status();
    const landed = new URL((await replay.request.get(`${server}/annotate`)).url()).pathname;
    await replay.close();
    return { api, landed };
  };
  expect(await sessionOn(B, browser)).toEqual({ api: 200, landed: "/annotate" });
  await page.goto(`${B}/annotate`);
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/login$/);
  // The copy of the cookie made before signing out is refused by both servers: the session row is gone.
  expect(await sessionOn(A, browser)).toEqual({ api: 401, landed: "/login" });
  expect(await sessionOn(B, browser)).toEqual({ api: 401, landed: "/login" });
  await context.close();
});

test("an upload's rejected-records report, uploaded through A, downloads byte-identical from B", async () => {
  const admin = await signedIn(MULTI_SERVER.admin, A);
  const good = (i: number) => ({
    id: `up-${i}`,
    prompt: `Upload question ${i}?`,
    completions: ["x", "y"].map((m) => ({ model: m, text: `${m} ${i}` })),
  });
  const bad = [
    { id: "up-bad-1", prompt: "Only one candidate?", completions: [{ model: "x", text: "alone" }] },
    { id: "up-bad-2", prompt: "Résumé ünïcode — twice the same model?", completions: ["x", "x"].map((m) => ({ model: m, text: "dup" })) },
  ];
  const lines = [good(1), bad[0], good(2), bad[1]].map((r) => JSON.stringify(r)).join("\n") + "\n";
  const importId = randomUUID();
  const upload = await admin.post(
    `${A}/api/projects/${MULTI_SERVER.uploadProject}/imports?${new URLSearchParams({ importId, fileName: "mixed.jsonl", skipInvalid: "1" })}`,
    { headers: { "content-type": "application/x-ndjson" }, data: Buffer.from(lines) },
  );
  expect(upload.status(), await upload.text()).toBe(200);
  expect(await upload.json()).toMatchObject({ ok: true, promptsAdded: 2, recordsRejected: 2, rejectedReportStored: true });
  const fromB = await admin.get(`${B}/api/imports/${importId}/rejected`);
  expect(fromB.status()).toBe(200);
  const bytesB = await fromB.body();
  const bytesA = await (await admin.get(`${A}/api/imports/${importId}/rejected`)).body();
  const [stored] = await query<{ body: Buffer }>(
    `SELECT string_agg(body, ''::bytea ORDER BY seq) AS body FROM import_rejected_chunks WHERE import_id = $1`,
    [importId],
  );
  expect(bytesB.equals(stored!.body)).toBe(true);
  expect(bytesB.equals(bytesA)).toBe(true);
  const report = bytesB
    .toString("utf8")
    .trim()
    .split("\n")
    .map((l) => JSON.parse(l) as { location: string; record: unknown });
  expect(report.map((r) => [r.location, r.record])).toEqual([
    ["line 2", bad[0]],
    ["line 4", bad[1]],
  ]);
  await admin.dispose();
});
