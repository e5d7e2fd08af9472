import type { ChildProcess } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../support/cli";
import { startFakeOpenAI, type FakeOpenAI } from "../support/fake-openai-server";
import { jsonl } from "../support/fixtures";
import { killAndWait, startWorkerProcess } from "../support/processes";
import { useFreshDatabase } from "../support/test-database";

/** The run commands of the command line against a real database, a worker process and the local OpenAI-compatible server. */
let databaseUrl: string;
let fake: FakeOpenAI;
let worker: ChildProcess;

const cli = (...args: string[]) => runCli(databaseUrl, args);

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
  fake = await startFakeOpenAI();
  // The command line checks the key variable is set before it starts a run; the worker reads it to call.
  process.env.MEDPREF_KEY_CLI_RUNS = "sk-cli-runs";
  worker = startWorkerProcess(databaseUrl, { MEDPREF_KEY_CLI_RUNS: "sk-cli-runs" });
  expect((await cli("project", "create", "--slug", "runs", "--name", "Runs")).code).toBe(0);
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-cli-runs-"));
  const file = path.join(dir, "prompts.jsonl");
  await fs.writeFile(
    file,
    jsonl(
      Array.from({ length: 4 }, (_, i) => ({
        prompt: `Question ${i}`,
        completions: [3, 9, 1, 6].map((q, j) => ({ model: `m${j}`, text: `Answer ${j} of ${i} [[q=${q}]]` })),
      })),
    ),
  );
  expect((await cli("import", "--project", "runs", "--file", file)).code).toBe(0);
  const added = await cli(
    ...["endpoint", "add", "--name", "fake", "--base-url", fake.url, "--key-var", "MEDPREF_KEY_CLI_RUNS", "--price", "judge = 1 / 2"],
  );
  expect(added.code).toBe(0);
}, 300_000);

afterAll(async () => {
  if (worker) await killAndWait(worker);
  fake.holdChats(false);
  await fake.close();
});

const judgeRun = (...extra: string[]) =>
  cli("judge-run", "create", "--project", "runs", "--endpoint", "fake", "--model", "judge", "--template", "open-ended", ...extra);

// Each step is a process of its own (a few seconds each on a busy 2-core machine).
describe("medpref CLI: endpoints and templates", { timeout: 600_000 }, () => {
  it("lists the templates and shows one", async () => {
    const list = await cli("template", "list");
    expect(list.code).toBe(0);
    expect(list.stdout.split("\n").filter(Boolean)).toEqual([
      "exam-with-reference      v1   LISTWISE  Exam question with reference answer",
      "open-ended               v1   LISTWISE  Open-ended biomedical question",
      "open-ended-critiques     v1   LISTWISE  Open-ended biomedical question, with critique spans",
      "pairwise                 v1   PAIRWISE  Pairwise A/B comparison",
    ]);
    const shown = await cli("template", "show", "pairwise", "--json");
    expect(shown.code).toBe(0);
    const template = JSON.parse(shown.stdout) as { key: string; version: number; style: string; userTemplate: string };
    expect(template).toMatchObject({ key: "pairwise", version: 1, style: "PAIRWISE" });
    expect(template.userTemplate).toContain("{{question}}");
    const missing = await cli("template", "show", "nope");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      'KEY: no template "nope" (templates: exam-with-reference, open-ended, open-ended-critiques, pairwise)',
    );
  });

  it("tests an endpoint with one call and lists it as JSON", async () => {
    const calls = fake.calls.length;
    const tested = await cli("endpoint", "test", "fake");
    expect(tested.code).toBe(0);
    expect(tested.stdout).toMatch(/^fake: judge answered in \d+ ms\.\n$/);
    expect(fake.calls.length).toBe(calls + 1);
    const listed = await cli("endpoint", "list", "--json");
    expect(JSON.parse(listed.stdout)).toEqual([
      expect.objectContaining({
        name: "fake",
        baseUrl: fake.url,
        apiKeyEnv: "MEDPREF_KEY_CLI_RUNS",
        supportsBatch: false,
        archived: false,
      }),
    ]);
    const unknown = await cli("endpoint", "test", "nope");
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('NAME: no endpoint named "nope" (endpoints: fake)');
  });
});

describe("medpref CLI: judge runs", { timeout: 600_000 }, () => {
  it("refuses bad flags with exit code 2, naming the flag, and writes nothing", async () => {
    const cases: [string[], string][] = [
      [["--name", "x", "--permutations", "9"], "--permutations: Too big: expected number to be <=8"],
      [["--name", "x", "--mode", "fast"], '--mode: "fast" is not a mode; expected live or batch'],
      [["--name", "x", "--sample", "0"], "--sample: Too small: expected number to be >0"],
      [["--name", "x", "--budget-usd", "abc"], "--budget-usd: wrong type: expected number, got NaN"],
      [["--name", ""], "--name: Too small: expected string to have >=1 characters"],
    ];
    for (const [flags, message] of cases) {
      const r = await judgeRun(...flags);
      expect(r.code, flags.join(" ")).toBe(2);
      expect(r.stderr.split("\n")[0], flags.join(" ")).toBe(`Usage error: ${message}`);
    }
    const endpoint = await cli("judge-run", "create", "--project", "runs", "--name", "x", "--endpoint", "nope", "--template", "open-ended");
    expect(endpoint.code).toBe(2);
    expect(endpoint.stderr.split("\n")[0]).toBe('Usage error: --endpoint: no endpoint named "nope" (endpoints: fake)');
    const project = await cli(
      "judge-run",
      "create",
      "--project",
      "nope",
      "--name",
      "x",
      "--endpoint",
      "fake",
      "--model",
      "judge",
      "--template",
      "open-ended",
    );
    expect(project.code).toBe(1);
    expect(project.stderr.trim()).toBe('--project: No project with the slug "nope".');
    expect(await sql(`SELECT id FROM judge_runs`)).toEqual([]);
  });

  it("creates a live run that the worker completes; run wait prints progress and exits 0", async () => {
    const created = await judgeRun("--name", "cli live", "--permutations", "2", "--sample", "3", "--budget-calls", "100");
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.stderr.trim()).toBe(`Started judge run ${id}: 3 prompts, 6 calls (live). Follow it with: run wait ${id}`);
    const [run] = await sql<{ name: string; permutations: number; mode: string; budget_calls: number; units_total: number }>(
      `SELECT name, permutations, mode, budget_calls, units_total FROM judge_runs WHERE id = $1`,
      [id],
    );
    expect(run).toEqual({ name: "cli live", permutations: 2, mode: "REALTIME", budget_calls: 100, units_total: 6 });
    const waited = await cli("run", "wait", id, "--poll-ms", "100");
    expect(waited.code).toBe(0);
    const lines = waited.stdout.split("\n").filter(Boolean);
    expect(lines.at(-1)).toMatch(/^completed: 6\/6 done, 0 failed, 0 pending; 6 calls, \$0\.\d{4}$/);
    expect(new Set(lines).size).toBe(lines.length);
    expect(await sql(`SELECT count(*)::int AS n FROM rankings WHERE judge_run_id = $1`, [id])).toEqual([{ n: 6 }]);
    const status = await cli("run", "status", id, "--json");
    expect(JSON.parse(status.stdout)).toMatchObject({ id, status: "COMPLETED", total: 6, done: 6, failed: 0, pending: 0, callsMade: 6 });
    const listed = await cli("run", "list", "--json");
    expect(JSON.parse(listed.stdout)).toEqual([
      {
        id,
        name: "cli live",
        kind: "JUDGE",
        mode: "REALTIME",
        status: "COMPLETED",
        project: "runs",
        model: "judge",
        units: 6,
        done: 6,
        failed: 0,
      },
    ]);
  });

  it("run wait exits 1 when every call of the run failed", async () => {
    fake.script({ kind: "malformed" }, { kind: "malformed" });
    const created = await judgeRun("--name", "cli failing", "--permutations", "1", "--sample", "2", "--max-repairs", "0", "--seed", "7");
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    const waited = await cli("run", "wait", id, "--poll-ms", "100");
    expect(waited.code).toBe(1);
    expect(waited.stdout.split("\n").filter(Boolean).at(-1)).toMatch(
      /^failed \(Every unit failed \(2 of 2\)\. Most frequent cause: .+\): 0\/2 done, 2 failed, 0 pending; 2 calls/,
    );
    expect(waited.stderr).toMatch(/^The run is failed: Every unit failed \(2 of 2\)/);
  });

  it("pauses, resumes and cancels a run; run wait exits 1 on a paused or cancelled run, and a refused change exits 1", async () => {
    fake.holdChats(true);
    const created = await judgeRun("--name", "cli control", "--permutations", "1", "--sample", "2", "--concurrency", "1");
    const id = created.stdout.trim();
    expect((await cli("run", "pause", id)).stdout.trim()).toBe("Paused: calls in flight finish, nothing new starts.");
    const paused = await cli("run", "wait", id);
    expect(paused.code).toBe(1);
    expect(paused.stdout.trim()).toBe("paused (Paused by an admin.): 0/2 done, 0 failed, 2 pending; 0 calls, $0.0000");
    expect((await cli("run", "resume", id)).stdout.trim()).toBe("Resumed.");
    expect((await sql<{ status: string }>(`SELECT status FROM judge_runs WHERE id = $1`, [id]))[0]!.status).toBe("RUNNING");
    expect((await cli("run", "cancel", id)).stdout.trim()).toBe("Cancelled.");
    const cancelled = await cli("run", "wait", id);
    expect(cancelled.code).toBe(1);
    expect(cancelled.stderr.trim()).toBe("The run is cancelled.");
    const again = await cli("run", "pause", id);
    expect(again.code).toBe(1);
    expect(again.stderr.trim()).toBe("The run cannot be paused now.");
    const badId = await cli("run", "status", "not-an-id");
    expect(badId.code).toBe(2);
    expect(badId.stderr.split("\n")[0]).toMatch(/^Usage error: RUN_ID: /);
    fake.holdChats(false);
  });
});

describe("medpref CLI: generation runs", { timeout: 600_000 }, () => {
  it("adds the missing candidates with the named generator models, and names a malformed --model", async () => {
    expect((await cli("project", "create", "--slug", "gen", "--name", "Gen")).code).toBe(0);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-cli-gen-"));
    const file = path.join(dir, "gen.jsonl");
    await fs.writeFile(
      file,
      jsonl(
        [0, 1].map((i) => ({
          prompt: `Gen ${i}`,
          completions: ["seed-1", "seed-2"].map((model) => ({ model, text: `${model} answer ${i}` })),
        })),
      ),
    );
    expect((await cli("import", "--project", "gen", "--file", file)).code).toBe(0);
    const bad = await cli("generation-run", "create", "--project", "gen", "--name", "g", "--model", "fake");
    expect(bad.code).toBe(2);
    expect(bad.stderr.split("\n")[0]).toBe('Usage error: --model: "fake" is not ENDPOINT=MODEL');
    const created = await cli(
      "generation-run",
      "create",
      "--project",
      "gen",
      "--name",
      "g",
      "--model",
      "fake=gen-a",
      "--model",
      "fake=gen-b",
      "--target",
      "4",
    );
    expect(created.code).toBe(0);
    const id = created.stdout.trim();
    expect(created.stderr.trim()).toBe(`Started generation run ${id}: 4 completions for 2 prompts. Follow it with: run wait ${id}`);
    expect((await cli("run", "wait", id, "--poll-ms", "100")).code).toBe(0);
    expect(
      await sql(`SELECT p.messages->0->>'content' AS prompt, array_agg(c.model ORDER BY c.model) AS models FROM prompts p JOIN completions c ON c.prompt_id = p.id
                  JOIN projects pr ON pr.id = p.project_id WHERE pr.slug = 'gen' GROUP BY 1 ORDER BY 1`),
    ).toEqual([
      { prompt: "Gen 0", models: ["gen-a", "gen-b", "seed-1", "seed-2"] },
      { prompt: "Gen 1", models: ["gen-a", "gen-b", "seed-1", "seed-2"] },
    ]);
  });
});
