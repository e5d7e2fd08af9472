import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { tableFromIPC, Vector } from "apache-arrow";
import { readParquet } from "parquet-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { execute, queryOne, queryRows, sql } from "@/lib/db/sql";
import { exportDirectory, runExportBuild } from "@/lib/export/export-jobs";
import { getExport } from "@/lib/export/export-views";
import { buildVerifiedPackage } from "@/lib/verification/build-verified-export";
import { validateVerifiedExport } from "@/lib/verification/create-verified-export";
import { verifiedExportConfigSchema } from "@/lib/verification/verified-export-config";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { runCli } from "../support/cli";
import { useFreshDatabase } from "../support/test-database";

/**
 * A verification set with planted outcomes (k = 2, m = 2, disputed pairs adjudicated) exported as a
 * benchmark package: exactly the kept pairs, overturned ones swapped into the "human" category, the
 * same bytes every time, read back by DuckDB and by arrow-rs (parquet-wasm).
 */
let databaseUrl: string;
let setId: string;
let emptySetId: string;
let runId: string;
const pairIds: string[] = [];
const SLUG = "verified-export";
const ids = { prompts: new Map<string, string>(), completions: new Map<string, string>(), users: new Map<string, string>() };

const QUESTIONS = [
  { id: "q0", prompt: "First-line treatment for hypertension?", source: "MedQA" },
  { id: "q1", prompt: "Dose of amoxicillin for otitis media?", source: "MedQA" },
  { id: "q2", prompt: "Signs of sepsis?", source: "PubMedQA" },
  { id: "q3", prompt: "When to image a headache?", source: "PubMedQA" },
  { id: "q4", prompt: "Treat a mild asthma attack?", source: "MedQA" },
  { id: "q5", prompt: "Is aspirin safe in pregnancy?", source: "PubMedQA" },
];
const MODELS = ["model-a", "model-b", "model-c"];
const answer = (q: number, m: number) => `Answer of ${MODELS[m]} to ${QUESTIONS[q]!.id}.${" More.".repeat(m)}`;

/** Each pair: the judge's chosen and rejected candidate (by model index), categories, outcome and the votes (rater → vote, confidence). */
const PAIRS = [
  {
    q: 0,
    chosen: 0,
    rejected: 2,
    categories: ["easy"],
    outcome: "VERIFIED",
    adjudicated: false,
    votes: [
      ["ames", "CHOSEN", 4],
      ["bello", "CHOSEN", null],
    ],
  },
  {
    q: 1,
    chosen: 2,
    rejected: 1,
    categories: ["hard"],
    outcome: "OVERTURNED",
    adjudicated: false,
    votes: [
      ["ames", "REJECTED", 5],
      ["bello", "REJECTED", 3],
    ],
  },
  {
    q: 2,
    chosen: 0,
    rejected: 1,
    categories: ["hard"],
    outcome: "DISPUTED",
    adjudicated: false,
    votes: [
      ["ames", "CHOSEN", 2],
      ["bello", "REJECTED", 2],
    ],
  },
  { q: 3, chosen: 1, rejected: 0, categories: [], outcome: "PENDING", adjudicated: false, votes: [["ames", "CHOSEN", null]] },
  {
    q: 4,
    chosen: 1,
    rejected: 0,
    categories: ["length"],
    outcome: "OVERTURNED",
    adjudicated: true,
    votes: [
      ["ames", "TIE", 1],
      ["bello", "BOTH_BAD", null],
    ],
  },
  {
    q: 5,
    chosen: 0,
    rejected: 1,
    categories: ["easy", "length"],
    outcome: "VERIFIED",
    adjudicated: false,
    votes: [
      ["bello", "CHOSEN", 5],
      ["outside-rater", "CHOSEN", null],
    ],
  },
] as const;

const RATERS: Record<string, { email: string; name: string; pseudonym: string; external: boolean }> = {
  ames: { email: "ames@medpref.test", name: "Dr. Ames", pseudonym: "rater-7f3a", external: false },
  bello: { email: "bello@medpref.test", name: "Dr. Bello", pseudonym: "rater-19c2", external: false },
  "outside-rater": { email: "outside@external.medpref", name: "Outside Rater", pseudonym: "rater-a001", external: true },
  admin: { email: "adj@medpref.test", name: "Adj Admin", pseudonym: "admin-1", external: false },
};

async function seed() {
  const project = await makeProject({ slug: SLUG });
  // q5 is imported without an id: its rows carry MedPref's.
  await importText(
    project.id,
    jsonl(
      QUESTIONS.map((q, i) => ({
        ...(i === 5 ? {} : { id: q.id }),
        prompt: q.prompt,
        source: q.source,
        type: "exam",
        completions: MODELS.map((model, m) => ({ model, text: answer(i, m) })),
      })),
    ),
  );
  const prompts = await queryRows<{ id: string; text: string }>(pool(), sql`SELECT id, messages -> 0 ->> 'content' AS text FROM prompts`);
  for (const [i, q] of QUESTIONS.entries()) ids.prompts.set(`q${i}`, prompts.find((p) => p.text === q.prompt)!.id);
  const completions = await queryRows<{ id: string; text: string }>(pool(), sql`SELECT id, text FROM completions`);
  for (const c of completions) ids.completions.set(c.text, c.id);
  for (const [key, r] of Object.entries(RATERS)) {
    const row = await queryOne<{ id: string }>(
      pool(),
      sql`INSERT INTO users (email, name, role, pseudonym, is_external) VALUES (${r.email}, ${r.name}, ${key === "admin" ? "ADMIN" : "CLINICIAN"}, ${r.pseudonym}, ${r.external}) RETURNING id`,
    );
    ids.users.set(key, row!.id);
  }
  const run = await queryOne<{ id: string }>(
    pool(),
    sql`INSERT INTO judge_runs (project_id, name, model, status) VALUES (${project.id}, 'GPT-4 judge', 'gpt-4', 'COMPLETED') RETURNING id`,
  );
  runId = run!.id;
  const config = {
    source: `judge:${run!.id}`,
    strategy: "best-worst",
    sampling: "uncertain",
    pairs: 6,
    raters: 2,
    agree: 2,
    seed: 7,
    disputed: "adjudicate",
  };
  const set = await queryOne<{ id: string }>(
    pool(),
    sql`INSERT INTO verification_sets (project_id, name, version, judge_run_id, config, raters, agree, disputed, pair_count)
        VALUES (${project.id}, 'Cardio bench', 2, ${run!.id}, ${JSON.stringify(config)}::jsonb, 2, 2, 'adjudicate', 6) RETURNING id`,
  );
  setId = set!.id;
  for (const [position, p] of PAIRS.entries()) {
    const judge = { run: run!.id, ranks: { [MODELS[p.chosen]!]: 1, [MODELS[p.rejected]!]: 3 }, consistency: position === 2 ? 0.5 : 1 };
    const pair = await queryOne<{ id: string }>(
      pool(),
      sql`INSERT INTO verification_pairs (set_id, position, prompt_id, chosen_completion_id, rejected_completion_id, categories, source, prompt_type, judge, vote_count, outcome, adjudicated_by_id, adjudicated_at)
          VALUES (${setId}, ${position}, ${ids.prompts.get(`q${p.q}`)}, ${ids.completions.get(answer(p.q, p.chosen))}, ${ids.completions.get(answer(p.q, p.rejected))},
                  ${p.categories}::text[], ${QUESTIONS[p.q]!.source}, 'exam', ${JSON.stringify(judge)}::jsonb, ${p.votes.length}, ${p.outcome}::verification_outcome,
                  ${p.adjudicated ? ids.users.get("admin") : null}, ${p.adjudicated ? new Date("2026-12-01T12:00:00Z") : null})
          RETURNING id`,
    );
    pairIds.push(pair!.id);
    for (const [rater, vote, confidence] of p.votes)
      await execute(
        pool(),
        sql`INSERT INTO verification_votes (pair_id, user_id, vote, confidence, imported) VALUES (${pair!.id}, ${ids.users.get(rater)}, ${vote}::pair_vote, ${confidence}, ${rater === "outside-rater"})`,
      );
  }
  const empty = await queryOne<{ id: string }>(
    pool(),
    sql`INSERT INTO verification_sets (project_id, name, version, judge_run_id, config, raters, agree, disputed, pair_count)
        VALUES (${project.id}, 'Not started', 1, ${run!.id}, '{}'::jsonb, 2, 2, 'exclude', 1) RETURNING id`,
  );
  emptySetId = empty!.id;
  await execute(
    pool(),
    sql`INSERT INTO verification_pairs (set_id, position, prompt_id, chosen_completion_id, rejected_completion_id, categories, judge)
        VALUES (${emptySetId}, 0, ${ids.prompts.get("q0")}, ${ids.completions.get(answer(0, 0))}, ${ids.completions.get(answer(0, 1))}, '{}', '{}'::jsonb)`,
  );
}

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
  await seed();
}, 180_000);

const tmp = () => mkdtemp(path.join(os.tmpdir(), "medpref-verified-"));
const config = (fileType: "jsonl" | "parquet") => verifiedExportConfigSchema.parse({ kind: "verification", set: setId, fileType });

async function build(fileType: "jsonl" | "parquet") {
  const directory = await tmp();
  const manifest = await buildVerifiedPackage({ config: config(fileType), directory });
  return { directory, manifest };
}

const readJsonl = async (file: string) =>
  (await readFile(file, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

const sha256Of = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex");

/** Every file of a package, by path, as bytes. */
async function packageBytes(directory: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const name of ["README.md", "manifest.json", ...(await readdir(path.join(directory, "data"))).map((f) => `data/${f}`)])
    out[name] = (await readFile(path.join(directory, name))).toString("base64");
  return out;
}

/** Arrow values as plain JSON values (lists as arrays, structs as objects), as export-readers.test.ts reads them. */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Vector) return [...value].map(plain);
  if (typeof value === "object" && "toJSON" in value && typeof value.toJSON === "function")
    return Object.fromEntries(Object.entries(value.toJSON() as Record<string, unknown>).map(([k, v]) => [k, plain(v)]));
  return value;
}

async function readWithArrowRs(file: string): Promise<Record<string, unknown>[]> {
  const table = tableFromIPC(readParquet(new Uint8Array(await readFile(file))).intoIPCStream());
  return [...table].map((row) => JSON.parse(JSON.stringify(plain(row))) as Record<string, unknown>);
}

let duck: Awaited<ReturnType<DuckDBInstance["connect"]>>;
async function duckRows(query: string) {
  duck ??= await (await DuckDBInstance.create(":memory:")).connect();
  return (await duck.runAndReadAll(query)).getRowObjectsJson();
}

/** The row expected of the pair at `position`, written out by hand from PAIRS. */
function expectedRow(position: number, exportVersion: string) {
  const p = PAIRS[position]!;
  const swapped = p.outcome === "OVERTURNED";
  const [chosen, rejected] = swapped ? [p.rejected, p.chosen] : [p.chosen, p.rejected];
  const rowVote = (v: string) => (swapped && v === "CHOSEN" ? "rejected" : swapped && v === "REJECTED" ? "chosen" : v.toLowerCase());
  const completion = (m: number) => ids.completions.get(answer(p.q, m))!;
  return {
    pair: pairIds[position],
    prompt_id: p.q === 5 ? ids.prompts.get("q5") : `q${p.q}`,
    prompt: [{ role: "user", content: QUESTIONS[p.q]!.prompt }],
    chosen: [{ role: "assistant", content: answer(p.q, chosen) }],
    rejected: [{ role: "assistant", content: answer(p.q, rejected) }],
    categories: swapped ? [...p.categories, "human"] : [...p.categories],
    source: QUESTIONS[p.q]!.source,
    provenance: {
      prompt_uuid: ids.prompts.get(`q${p.q}`),
      project: SLUG,
      prompt_type: "exam",
      set: setId,
      set_name: "Cardio bench",
      set_version: 2,
      judge_run: runId,
      source_export: null,
      outcome: p.outcome.toLowerCase(),
      adjudicated: p.adjudicated,
      chosen_id: completion(chosen),
      chosen_model: MODELS[chosen],
      rejected_id: completion(rejected),
      rejected_model: MODELS[rejected],
      judge: {
        chosen_id: completion(p.chosen),
        chosen_model: MODELS[p.chosen],
        rejected_id: completion(p.rejected),
        rejected_model: MODELS[p.rejected],
        upheld: !swapped,
        // The pair's judge jsonb as canonical JSON (keys sorted).
        details: `{"consistency":${position === 2 ? 0.5 : 1},"ranks":{${[p.chosen, p.rejected]
          .sort()
          .map((m) => `"${MODELS[m]}":${m === p.chosen ? 1 : 3}`)
          .join(",")}},"run":"${runId}"}`,
      },
      votes: p.votes
        .map(([rater, vote, confidence]) => ({ rater: RATERS[rater]!.pseudonym, vote: rowVote(vote), confidence }))
        .sort((a, b) => (a.rater < b.rater ? -1 : 1)),
      export_version: exportVersion,
    },
  };
}

describe("verified benchmark export of a verification set", () => {
  it("writes one row per kept pair in set order — verified as judged, overturned swapped into `human` — and leaves out disputed and pending pairs", async () => {
    const { directory, manifest } = await build("jsonl");
    const rows = await readJsonl(path.join(directory, "data/test.jsonl"));
    // Positions 0 (verified), 1 (overturned), 4 (adjudicated: overturned), 5 (verified); 2 disputed and 3 pending are left out.
    expect(rows).toEqual([0, 1, 4, 5].map((position) => expectedRow(position, manifest.exportVersion)));
    expect(Object.keys(rows[0]!)).toEqual(["pair", "prompt_id", "prompt", "chosen", "rejected", "categories", "source", "provenance"]);
    expect(manifest.files.map((f) => [f.path, f.rows])).toEqual([
      ["data/test.jsonl", 4],
      ["README.md", 0],
    ]);
    expect(manifest.statistics).toEqual({
      sampled: 6,
      kept: 4,
      verified: 2,
      overturned: 2,
      disputed: 2,
      disputedExcluded: 1,
      adjudicated: 1,
      adjudicatedVerified: 0,
      adjudicatedOverturned: 1,
      pending: 1,
      categories: { easy: 2, hard: 1, length: 2, human: 2 },
      sources: { MedQA: 3, PubMedQA: 1 },
    });
    // Pseudonyms only: no rater's name or email anywhere in the package.
    for (const text of Object.values(await packageBytes(directory)).map((b) => Buffer.from(b, "base64").toString("utf8")))
      for (const r of Object.values(RATERS)) {
        expect(text).not.toContain(r.name);
        expect(text).not.toContain(r.email);
      }
  });

  it("states the construction in the card: source, strategy, sampling, the m-of-k rule and every outcome's count", async () => {
    const { directory, manifest } = await build("jsonl");
    const card = await readFile(path.join(directory, "README.md"), "utf8");
    const run = manifest.set.source.id;
    expect(card).toContain(`# MedPref verified benchmark: Cardio bench v2`);
    expect(card).toContain(`4 of 6 pairs are kept.`);
    expect(card).toContain(
      `- **Source**: judge run **GPT-4 judge** (\`${run}\`): its aggregated ranking of each prompt binarised by the \`best-worst\` strategy`,
    );
    expect(card).toContain("- **Sampling**: 6 pairs sampled, `uncertain`: the pairs the judge was least sure of first");
    expect(card).toContain("(seed 7).");
    expect(card).toContain("a pair is **verified** when at least 2 of 2 raters agree with the judge's verdict");
    expect(card).toContain("Disputed pairs are decided by an admin (adjudicated), and left out until then.");
    for (const line of [
      "| sampled | 6 |",
      "| kept | 4 |",
      "| verified | 2 |",
      "| overturned | 2 (1 by adjudication) |",
      "| disputed | 2 |",
      "| disputed, excluded | 1 |",
      "| disputed, adjudicated | 1 |",
      "| pending | 1 |",
      "| `human` | 2 | the clinicians overturned the judge's verdict (chosen and rejected are swapped) |",
      "| MedQA | 3 |",
      "| test | data/test.jsonl | 4 |",
    ])
      expect(card).toContain(line);
    expect(card).toContain("- **Human–human**:");
    expect(card).toContain("- **Human–judge**:");
    const front = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(card)![1]!) as {
      configs: { data_files: { split: string; path: string }[] }[];
      dataset_info: { splits: { name: string; num_examples: number }[]; features: { name: string }[] };
    };
    expect(front.configs[0]!.data_files).toEqual([{ split: "test", path: "data/test.jsonl" }]);
    expect(front.dataset_info.splits).toEqual([{ name: "test", num_examples: 4 }]);
    expect(front.dataset_info.features.map((f) => f.name)).toEqual([
      "pair",
      "prompt_id",
      "prompt",
      "chosen",
      "rejected",
      "categories",
      "source",
      "provenance",
    ]);
  });

  it("is byte-identical when built twice, its manifest's sha256s match the files, and a changed vote gives a new version", async () => {
    for (const fileType of ["jsonl", "parquet"] as const) {
      const first = await build(fileType);
      const second = await build(fileType);
      expect(await packageBytes(second.directory)).toEqual(await packageBytes(first.directory));
      for (const f of first.manifest.files) {
        expect(await sha256Of(path.join(first.directory, f.path)), f.path).toBe(f.sha256);
        expect((await readFile(path.join(first.directory, f.path))).length, f.path).toBe(f.bytes);
      }
      const manifest = JSON.parse(await readFile(path.join(first.directory, "manifest.json"), "utf8")) as {
        files: unknown[];
        format: string;
      };
      expect(manifest.format).toBe("medpref-verified-export/1");
      expect(manifest.files).toEqual(first.manifest.files);
    }
    const before = await build("jsonl");
    // A second vote on the pending pair (still pending in this fixture: its outcome is planted) changes the data, so the version.
    await execute(
      pool(),
      sql`UPDATE verification_votes SET confidence = 3 WHERE pair_id = ${pairIds[3]} AND user_id = ${ids.users.get("ames")}`,
    );
    try {
      const after = await build("jsonl");
      expect(after.manifest.exportVersion).not.toBe(before.manifest.exportVersion);
    } finally {
      await execute(
        pool(),
        sql`UPDATE verification_votes SET confidence = NULL WHERE pair_id = ${pairIds[3]} AND user_id = ${ids.users.get("ames")}`,
      );
    }
    expect((await build("jsonl")).manifest.exportVersion).toBe(before.manifest.exportVersion);
  });

  it("reads back in DuckDB (JSONL and Parquet) and in arrow-rs (parquet-wasm) as the same rows", async () => {
    const jsonl = await build("jsonl");
    const parquet = await build("parquet");
    const jsonRows = await readJsonl(path.join(jsonl.directory, "data/test.jsonl"));
    const arrowRows = await readWithArrowRs(path.join(parquet.directory, "data/test.parquet"));
    const withoutVersion = (rows: Record<string, unknown>[]) =>
      rows.map((r) => ({ ...r, provenance: { ...(r.provenance as object), export_version: null } }));
    expect(withoutVersion(arrowRows)).toEqual(withoutVersion(jsonRows));
    const quoted = (file: string) => `'${file.replaceAll("'", "''")}'`;
    const query = (from: string) =>
      `SELECT pair, prompt_id, list_contains(categories, 'human') AS human, provenance.outcome AS outcome, provenance.chosen_model AS chosen_model,
              len(provenance.votes) AS votes, provenance.judge.upheld AS upheld FROM ${from} ORDER BY pair`;
    const fromJsonl = await duckRows(query(`read_json_auto(${quoted(path.join(jsonl.directory, "data/test.jsonl"))}, sample_size = -1)`));
    const fromParquet = await duckRows(query(`read_parquet(${quoted(path.join(parquet.directory, "data/test.parquet"))})`));
    const expected = [0, 1, 4, 5]
      .map((position) => {
        const p = PAIRS[position]!;
        const swapped = p.outcome === "OVERTURNED";
        return {
          pair: pairIds[position],
          prompt_id: p.q === 5 ? ids.prompts.get("q5") : `q${p.q}`,
          human: swapped,
          outcome: p.outcome.toLowerCase(),
          chosen_model: MODELS[swapped ? p.rejected : p.chosen],
          votes: "2",
          upheld: !swapped,
        };
      })
      .sort((a, b) => (a.pair! < b.pair! ? -1 : 1));
    expect(fromParquet.map((r) => ({ ...r, votes: String(r.votes) }))).toEqual(expected);
    expect(fromJsonl.map((r) => ({ ...r, votes: String(r.votes) }))).toEqual(expected);
  });

  it("builds through the exports table (job, view, files) and the CLI into the same bytes; refuses a set without kept pairs", async () => {
    const stored = await db().export.create({ data: { name: "bench", config: config("parquet"), configHash: "x" } });
    await runExportBuild(stored.id);
    const view = (await getExport(stored.id))!;
    expect(view).toMatchObject({ status: "READY", format: "verified benchmark", fileType: "parquet", projects: [SLUG], rowsWritten: 4 });
    expect(view.files.map((f) => [f.path, f.rows])).toEqual([
      ["README.md", 0],
      ["data/test.parquet", 4],
    ]);

    const out = path.join(await tmp(), "bench");
    const cli = await runCli(databaseUrl, ["verification", "export", "--set", setId, "--file-type", "parquet", "--out", out]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain("Verified export ");
    expect(cli.stdout).toContain("4 of 6 pairs kept (verified 2, overturned 2; left out: disputed 1, pending 1)");
    expect(await packageBytes(out)).toEqual(await packageBytes(exportDirectory(stored.id)));

    const missing = await runCli(databaseUrl, ["verification", "export", "--set", setId, "--out", path.join(await tmp(), "x")]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--file-type: required (jsonl or parquet)");
    const none = await runCli(databaseUrl, [
      "verification",
      "export",
      "--set",
      emptySetId,
      "--file-type",
      "jsonl",
      "--out",
      path.join(await tmp(), "y"),
    ]);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('Nothing to export yet: none of the 1 pairs of "Not started" v1 is verified or overturned.');
    await expect(validateVerifiedExport({ set: "not-a-uuid" })).rejects.toMatchObject({ field: "set" });
    await expect(validateVerifiedExport({ set: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({
      field: "set",
      message: "No verification set with the id 00000000-0000-4000-8000-000000000000.",
    });
  }, 120_000);
});
