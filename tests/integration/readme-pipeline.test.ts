import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GET as runGet } from "@/app/api/runs/[id]/route";
import { createApiToken } from "@/lib/auth/api-tokens";
import { createUser } from "@/lib/users/manage-users";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import { jsonl } from "../support/fixtures";
import { killAndWait, startWorkerProcess } from "../support/processes";
import { useFreshDatabase } from "../support/test-database";

/**
 * The README's pipeline script, run as written (the shell block after <!-- pipeline-script -->)
 * with bash, against a real database, a worker process and the local OpenAI-compatible server;
 * then its curl block against the run route served over HTTP. The README cannot drift from what works.
 */
const ROOT = path.resolve(import.meta.dirname, "../..");
let databaseUrl: string;
let fake: FakeOpenAI;
let worker: ChildProcess;
let routes: http.Server;

function readmeBlock(marker: string): string {
  return readme.split(`<!-- ${marker} -->`)[1]!.split("```sh\n")[1]!.split("```")[0]!;
}
let readme: string;

function bash(script: string, env: Record<string, string>) {
  const child = spawn("bash", ["-c", script], {
    cwd: ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, MEDPREF_DATABASE_URL: "", LOG_LEVEL: "silent", ...env },
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

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** GET /api/runs/:id over HTTP, through its route handler (the one route the curl block calls). */
async function serveRunRoute(): Promise<string> {
  routes = http.createServer((req, res) => {
    const match = /^\/api\/runs\/([^/]+)$/.exec(req.url ?? "");
    if (!match) {
      res.writeHead(404).end();
      return;
    }
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
    void runGet(new Request(`http://127.0.0.1${req.url}`, { headers }), { params: Promise.resolve({ id: match[1]! }) }).then(async (r) => {
      res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" }).end(await r.text());
    });
  });
  await new Promise<void>((resolve) => routes.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(routes.address() as AddressInfo).port}`;
}

beforeAll(async () => {
  readme = await fs.readFile(path.join(ROOT, "README.md"), "utf8");
  databaseUrl = await useFreshDatabase();
  fake = await startFakeOpenAI();
  worker = startWorkerProcess(databaseUrl, { MEDPREF_KEY_LOCAL: "sk-readme" });
});
afterAll(async () => {
  if (worker) await killAndWait(worker);
  routes?.close();
  await fake.close();
});

describe("the README's pipeline script", () => {
  it("imports, generates, judges, waits, exports and reports agreement; the curl step reads the run with a token", async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-readme-"));
    const prompts = path.join(dir, "prompts.jsonl");
    await fs.writeFile(
      prompts,
      jsonl(
        Array.from({ length: 5 }, (_, i) => ({
          prompt: `Which drug first for stable angina, case ${i}?`,
          completions: [
            { model: "clinician-draft", text: `A beta blocker [[q=9]] (${i})` },
            { model: "baseline", text: `Nothing [[q=2]] (${i})` },
          ],
        })),
      ),
    );
    const out = path.join(dir, "out");
    await fs.mkdir(out);
    const script = readmeBlock("pipeline-script");
    const ran = await bash(script, { PROMPTS: prompts, OPENAI_BASE_URL: fake.url, MEDPREF_KEY_LOCAL: "sk-readme", OUT: out });
    expect(ran.stderr).toContain("Started judge run");
    expect(ran.code, ran.stderr).toBe(0);

    // Generation: 5 prompts × 2 new candidates; the judge: 5 prompts × P = 2.
    const runs = await sql<{ id: string; kind: string; status: string; units_total: number }>(
      `SELECT id, kind, status, units_total FROM judge_runs ORDER BY created_at`,
    );
    expect(runs.map((r) => [r.kind, r.status, r.units_total])).toEqual([
      ["GENERATE", "COMPLETED", 10],
      ["JUDGE", "COMPLETED", 10],
    ]);
    expect(await sql(`SELECT count(*)::int AS n FROM completions`)).toEqual([{ n: 20 }]);
    expect(await sql(`SELECT count(*)::int AS n FROM rankings WHERE judge_run_id = $1`, [runs[1]!.id])).toEqual([{ n: 10 }]);
    // `run wait` printed progress and ended on the completed line (exit 0: the script went on).
    expect(ran.stdout).toMatch(/^completed: 10\/10 done, 0 failed, 0 pending; 10 calls, \$0\.\d{4}$/m);

    // The export: one best-worst pair per prompt, all in train.
    const train = await fs.readFile(path.join(out, "dpo", "data", "train.jsonl"), "utf8");
    const rows = train
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(5);
    expect(ran.stdout).toMatch(/^Export \S+: 5 prompts, 5 rows → /m);
    const agreement = JSON.parse(await fs.readFile(path.join(out, "agreement.json"), "utf8")) as { project: unknown };
    expect(agreement.project).toBeTruthy();

    // The curl block, with a researcher's token that may read runs.
    const researcher = (await createUser({ email: "readme-researcher@hospital.example", role: "researcher" }, null)).user;
    const { token } = await createApiToken({ id: researcher.id, role: "RESEARCHER" }, { name: "readme", scopes: ["runs:read"] });
    const curl = await bash(readmeBlock("pipeline-curl"), { MEDPREF_TOKEN: token, MEDPREF_URL: await serveRunRoute(), RUN: runs[1]!.id });
    expect(curl.code, curl.stderr).toBe(0);
    expect(JSON.parse(curl.stdout)).toMatchObject({ id: runs[1]!.id, status: "COMPLETED", total: 10, done: 10, failed: 0, pending: 0 });
  }, 900_000);
});
