import { spawn } from "node:child_process";
import fs from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { beforeAll, describe, expect, it } from "vitest";
import { medprefCliArgs } from "@/lib/process/node-commands";
import { runCli } from "../support/cli";
import { jsonl, record } from "../support/fixtures";
import { useFreshDatabase } from "../support/test-database";

let databaseUrl: string;
beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
});

const cli = (args: string[], stdin?: string) => runCli(databaseUrl, args, stdin);

async function sql<T extends pg.QueryResultRow>(text: string, values: unknown[] = []) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}

/** Rows of a query that always returns at least one row. */
async function sqlRows<T extends pg.QueryResultRow>(text: string, values: unknown[] = []): Promise<[T, ...T[]]> {
  const rows = await sql<T>(text, values);
  if (rows.length === 0) throw new Error(`no rows: ${text}`);
  return rows as [T, ...T[]];
}

describe("medpref CLI", () => {
  it("answers a usage error with exit code 2 and the usage", async () => {
    const r = await cli(["project", "create", "--slug", "Bad Slug!", "--name", "x"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--slug: 2 to 63 characters/);
    expect(r.stderr).toMatch(/Usage: npm run medpref/);
    expect((await cli(["frobnicate"])).code).toBe(2);
  });

  it("adds a judge endpoint, and refuses one whose key variable is NEXTAUTH_SECRET or that points at a metadata address, naming the flag", async () => {
    const stolen = await cli(["endpoint", "add", "--name", "steal", "--base-url", "http://127.0.0.1:9/v1", "--key-var", "NEXTAUTH_SECRET"]);
    expect(stolen.code).toBe(1);
    expect(stolen.stderr.trim()).toBe(
      "--key-var: NEXTAUTH_SECRET is a variable MedPref itself reads, so it can never be an endpoint's key. Put the key in a variable matching MEDPREF_KEY_*, *_API_KEY.",
    );
    const metadata = await cli([
      "endpoint",
      "add",
      "--name",
      "steal",
      "--base-url",
      "http://[fd00:ec2::254]/v1",
      "--key-var",
      "MEDPREF_KEY_VLLM",
    ]);
    expect(metadata.code).toBe(1);
    expect(metadata.stderr.trim()).toBe(
      "--base-url: fd00:ec2::254 is a link-local or cloud metadata address; endpoints may never point there.",
    );
    expect(await sql(`SELECT name FROM llm_endpoints`)).toEqual([]);
    const added = await cli([
      "endpoint",
      "add",
      "--name",
      "vllm",
      "--base-url",
      "http://127.0.0.1:8000/v1",
      "--key-var",
      "MEDPREF_KEY_VLLM",
      "--price",
      "llama = 0.5 / 0.8",
    ]);
    expect(added.code).toBe(0);
    expect(await sql(`SELECT name, base_url, api_key_env, model_prices FROM llm_endpoints`)).toEqual([
      {
        name: "vllm",
        base_url: "http://127.0.0.1:8000/v1",
        api_key_env: "MEDPREF_KEY_VLLM",
        model_prices: { llama: { inputPerMTok: 0.5, outputPerMTok: 0.8 } },
      },
    ]);
  });

  it("creates a project and prints the project summary as JSON", async () => {
    expect((await cli(["project", "create", "--slug", "cli-demo", "--name", "CLI demo", "--overlap", "2", "--allow-ties"])).code).toBe(0);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-cli-"));
    const file = path.join(dir, "prompts.jsonl");
    await fs.writeFile(file, jsonl([record(1, 4), record(2, 4)]));
    const imported = await cli(["import", "--project", "cli-demo", "--file", file]);
    expect(imported.code).toBe(0);
    expect(imported.stdout).toMatch(/Imported 2 prompts with 8 candidate completions/);
    const shown = await cli(["project", "show", "cli-demo", "--json"]);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toEqual({
      slug: "cli-demo",
      name: "CLI demo",
      prompts: 2,
      completions: 8,
      rankings: { human: 0, judge: 0 },
      assignments: {},
    });
  });

  it("counts imported prompts in its progress lines, ending with 100% and every prompt", async () => {
    expect((await cli(["project", "create", "--slug", "cli-progress", "--name", "CLI progress"])).code).toBe(0);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-cli-"));
    const file = path.join(dir, "twenty.jsonl");
    await fs.writeFile(file, jsonl(Array.from({ length: 20 }, (_, i) => record(i, 3))));
    const imported = await cli(["import", "--project", "cli-progress", "--file", file]);
    expect(imported.code).toBe(0);
    const lines = imported.stderr.split("\n").filter((l) => l.startsWith("Importing "));
    // Was "Importing twenty.jsonl: 100% (1 records)" and nothing after: the share came from stream chunks.
    expect(lines.at(-1)).toBe("Importing twenty.jsonl: 100% (20 prompts read)");
    expect(lines.filter((l) => l.includes("100%"))).toHaveLength(1);
  });

  it("fails with exit code 1 and a message on stderr", async () => {
    const r = await cli(["project", "show", "no-such-project", "--json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('No project with the slug "no-such-project".');
    expect(r.stdout).toBe("");
  });

  it("adds a user with a generated password printed once, or one read from stdin", async () => {
    const generated = await cli(["user", "add", "--email", "Nurse@Example.org", "--role", "clinician"]);
    expect(generated.code).toBe(0);
    expect(generated.stdout).toMatch(/Password \(shown once\): \S{23}/);
    const given = await cli(
      ["user", "add", "--email", "res@example.org", "--role", "researcher", "--password-stdin"],
      "a long enough password\n",
    );
    expect(given.code).toBe(0);
    expect(given.stdout).not.toMatch(/Password/);
    const rows = await sql<{ email: string; password_hash: string }>("SELECT email, password_hash FROM users ORDER BY email");
    expect(rows.map((r) => r.email)).toEqual(["nurse@example.org", "res@example.org"]);
    expect(rows.every((r) => r.password_hash.startsWith("$argon2id$"))).toBe(true);
    const duplicate = await cli(["user", "add", "--email", "nurse@example.org", "--role", "admin"]);
    expect(duplicate.code).toBe(1);
    expect(duplicate.stderr).toMatch(/already exists/);
  });

  it("refuses an invalid file with exit code 1, listing the bad records, and imports nothing", async () => {
    await cli(["project", "create", "--slug", "cli-bad", "--name", "Bad"]);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-cli-"));
    const file = path.join(dir, "bad.jsonl");
    await fs.writeFile(file, jsonl([record(1), record(2, 1), { prompt: 3 }]));
    const r = await cli(["import", "--project", "cli-bad", "--file", file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("line 2: completions: 1 candidate; a prompt needs 2 to 16");
    expect(r.stderr).toContain("line 3: prompt: wrong type: expected string, got number");
    expect(r.stderr).toContain("Nothing imported");
    const [{ n }] = await sqlRows<{ n: number }>(
      "SELECT count(*)::int AS n FROM prompts p JOIN projects j ON j.id = p.project_id WHERE j.slug = 'cli-bad'",
    );
    expect(n).toBe(0);
  });

  it("leaves no partial import when the importing process is killed mid-way", async () => {
    await cli(["project", "create", "--slug", "cli-kill", "--name", "Kill"]);
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), "medpref-cli-"));
    const file = path.join(dir, "big.jsonl");
    const long = "x".repeat(1500);
    const handle = await fs.open(file, "w");
    for (let chunk = 0; chunk < 20; chunk++) {
      const records = Array.from({ length: 1000 }, (_, i) => ({
        ...record(chunk * 1000 + i, 8),
        completions: Array.from({ length: 8 }, (_, j) => ({ model: `m${j}`, text: `${long} ${chunk}-${i}-${j}` })),
      }));
      await handle.write(jsonl(records));
    }
    await handle.close();
    const run = cli(["import", "--project", "cli-kill", "--file", file]);
    // Wait until the import has read part of the file (its heartbeat says so), then kill -9.
    const deadline = Date.now() + 60_000;
    for (;;) {
      const rows = await sql<{ records_read: number }>(
        "SELECT records_read FROM imports i JOIN projects p ON p.id = i.project_id WHERE p.slug = 'cli-kill'",
      );
      if ((rows[0]?.records_read ?? 0) > 2000) break;
      if (Date.now() > deadline) throw new Error("the import never started");
      await new Promise((r) => setTimeout(r, 100));
    }
    run.child.kill("SIGKILL");
    const result = await run;
    expect(result.code).toBe(null);
    // Postgres notices the dead connection and rolls its transaction back.
    const [{ prompts, completions }] = await sqlRows<{ prompts: number; completions: number }>(
      `SELECT (SELECT count(*) FROM prompts p JOIN projects j ON j.id = p.project_id WHERE j.slug = 'cli-kill')::int AS prompts,
              (SELECT count(*) FROM completions c JOIN prompts p ON p.id = c.prompt_id JOIN projects j ON j.id = p.project_id WHERE j.slug = 'cli-kill')::int AS completions`,
    );
    expect({ prompts, completions }).toEqual({ prompts: 0, completions: 0 });
  });
});

describe("start-up configuration", () => {
  it("stops with a message naming a bad environment variable", async () => {
    const child = spawn(process.execPath, medprefCliArgs("project", "list"), {
      env: { ...process.env, DATABASE_URL: databaseUrl, MEDPREF_DB_CONNECT_TIMEOUT_MS: "soon" },
    });
    let stderr = "";
    child.stderr.on("data", (d) => (stderr += d));
    const code = await new Promise((resolve) => child.on("close", resolve));
    expect(code).toBe(1);
    expect(stderr).toContain("Invalid environment configuration");
    expect(stderr).toMatch(/MEDPREF_DB_CONNECT_TIMEOUT_MS: /);
  });
});
