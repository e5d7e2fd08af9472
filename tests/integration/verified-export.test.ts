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
import { execute, queryOne, sql } from "@/lib/db/sql";
import { exportDirectory, runExportBuild } from "@/lib/export/export-jobs";
import { loadBenchmark } from "@/lib/rm-eval/benchmark-targets";
import { getExport } from "@/lib/export/export-views";
import { buildVerifiedPackage } from "@/lib/verification/build-verified-export";
import { createVerificationSet } from "@/lib/verification/create-verification-set";
import { verificationSetSummary } from "@/lib/verification/queries";
import { validateVerifiedExport } from "@/lib/verification/create-verified-export";
import { verifiedExportConfigSchema } from "@/lib/verification/verified-export-config";
import { runCli } from "../support/cli";
import { useFreshDatabase } from "../support/test-database";
import { seedVerificationSet, VERIFICATION_MODELS, type SeededVerificationSet } from "../support/verification";

/**
 * A verification set with planted outcomes (k = 2, m = 2, disputed pairs adjudicated) exported as a
 * benchmark package: exactly the kept pairs, overturned ones swapped into the "human" category, the
 * same bytes every time, read back by DuckDB and by arrow-rs (parquet-wasm).
 */
let databaseUrl: string;
let seeded: SeededVerificationSet;
let setId: string;
let emptySetId: string;
const users = new Map<string, string>();

/** The outcome planted on the pair at each position, the adjudication, and the votes (rater, vote relative to the judge, confidence) in the order cast. */
const PLANTED = [
  {
    outcome: "VERIFIED",
    adjudicated: false,
    votes: [
      ["ames", "CHOSEN", 4],
      ["bello", "CHOSEN", null],
    ],
  },
  {
    outcome: "OVERTURNED",
    adjudicated: false,
    votes: [
      ["bello", "REJECTED", 3],
      ["ames", "REJECTED", 5],
    ],
  },
  {
    outcome: "DISPUTED",
    adjudicated: false,
    votes: [
      ["ames", "CHOSEN", 2],
      ["bello", "REJECTED", 2],
    ],
  },
  { outcome: "PENDING", adjudicated: false, votes: [["ames", "CHOSEN", null]] },
  {
    outcome: "OVERTURNED",
    adjudicated: true,
    votes: [
      ["ames", "TIE", 1],
      ["bello", "BOTH_BAD", null],
    ],
  },
  {
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

/** A set of 6 pairs from a judge run (gpt-4 chosen, qwen rejected: easy and length), with PLANTED's votes and outcomes. */
async function seed() {
  seeded = await seedVerificationSet({
    prompts: 6,
    set: { name: "Cardio bench", strategy: "best-worst", sampling: "random", raters: 2, agree: 2, seed: 7, disputed: "adjudicate" },
  });
  setId = seeded.setId;
  for (const [key, r] of Object.entries(RATERS)) {
    const row = await queryOne<{ id: string }>(
      pool(),
      sql`INSERT INTO users (email, name, role, pseudonym, is_external) VALUES (${r.email}, ${r.name}, ${key === "admin" ? "ADMIN" : "CLINICIAN"}, ${r.pseudonym}, ${r.external}) RETURNING id`,
    );
    users.set(key, row!.id);
  }
  for (const [position, planted] of PLANTED.entries()) {
    const pair = seeded.pairs[position]!;
    for (const [i, [rater, vote, confidence]] of planted.votes.entries())
      await execute(
        pool(),
        sql`INSERT INTO verification_votes (pair_id, user_id, vote, confidence, imported, created_at)
            VALUES (${pair.id}, ${users.get(rater)}, ${vote}::pair_vote, ${confidence}, ${rater === "outside-rater"}, ${new Date(Date.UTC(2026, 11, 1, 10, position, i))})`,
      );
    await execute(
      pool(),
      sql`UPDATE verification_pairs SET vote_count = ${planted.votes.length}, outcome = ${planted.outcome}::verification_outcome,
                 adjudicated_by_id = ${planted.adjudicated ? users.get("admin") : null}, adjudicated_at = ${planted.adjudicated ? new Date("2026-12-01T12:00:00Z") : null}
           WHERE id = ${pair.id}`,
    );
  }
  // The last kept pair's prompt came without an id: its rows carry MedPref's.
  await execute(pool(), sql`UPDATE prompts SET external_id = NULL WHERE id = ${seeded.pairs[5]!.promptId}`);
  const empty = await createVerificationSet(seeded.project.slug, { name: "Not started", source: `judge:${seeded.runId}`, pairs: 1 }, null);
  emptySetId = empty.id;
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

const SOURCE = (externalId: string) => (Number(externalId.slice(1)) % 2 ? "MedQA" : "PubMedQA");
const TEXT = (externalId: string, model: string) => {
  const j = VERIFICATION_MODELS.indexOf(model);
  return `Answer ${j} to question ${externalId.slice(1)}.${" More detail.".repeat(j)}`;
};

/** The row expected of the pair at `position`, written out from PLANTED and the seeded pair. */
async function expectedRow(position: number, exportVersion: string) {
  const pair = seeded.pairs[position]!;
  const planted = PLANTED[position]!;
  const swapped = planted.outcome === "OVERTURNED";
  const [chosen, rejected] = swapped ? [pair.rejectedModel, pair.chosenModel] : [pair.chosenModel, pair.rejectedModel];
  const rowVote = (v: string) => (swapped && v === "CHOSEN" ? "rejected" : swapped && v === "REJECTED" ? "chosen" : v.toLowerCase());
  const completion = async (model: string) =>
    (await queryOne<{ id: string }>(pool(), sql`SELECT id FROM completions WHERE prompt_id = ${pair.promptId} AND model = ${model}`))!.id;
  const judge = (await queryOne<{ judge: { positionFlips: number | null; humanDisagreement: number | null } }>(
    pool(),
    sql`SELECT judge FROM verification_pairs WHERE id = ${pair.id}`,
  ))!.judge;
  return {
    pair: pair.id,
    prompt_id: position === 5 ? pair.promptId : pair.externalId,
    prompt: [{ role: "user", content: `Question ${pair.externalId.slice(1)}: what is the first-line treatment?` }],
    chosen: [{ role: "assistant", content: TEXT(pair.externalId, chosen) }],
    rejected: [{ role: "assistant", content: TEXT(pair.externalId, rejected) }],
    categories: swapped ? ["easy", "length", "human"] : ["easy", "length"],
    source: SOURCE(pair.externalId),
    provenance: {
      prompt_uuid: pair.promptId,
      project: seeded.project.slug,
      prompt_type: "exam",
      set: setId,
      set_name: "Cardio bench",
      set_version: 1,
      judge_run: seeded.runId,
      source_export: null,
      outcome: planted.outcome.toLowerCase(),
      adjudicated: planted.adjudicated,
      chosen_id: await completion(chosen),
      chosen_model: chosen,
      rejected_id: await completion(rejected),
      rejected_model: rejected,
      judge: {
        chosen_id: await completion("gpt-4"),
        chosen_model: "gpt-4",
        rejected_id: await completion("qwen"),
        rejected_model: "qwen",
        upheld: !swapped,
        run: seeded.runId,
        chosen_rank: 1,
        rejected_rank: 4,
        chosen_score: null,
        rejected_score: null,
        position_flips: judge.positionFlips,
        human_disagreement: judge.humanDisagreement,
      },
      votes: planted.votes.map(([rater, vote, confidence]) => ({ rater: RATERS[rater]!.pseudonym, vote: rowVote(vote), confidence })),
      export_version: exportVersion,
    },
  };
}

/** Kept pairs (positions 0, 1, 4, 5) per source dataset, sorted by name. */
function keptSources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const position of [0, 1, 4, 5]) {
    const source = SOURCE(seeded.pairs[position]!.externalId);
    counts[source] = (counts[source] ?? 0) + 1;
  }
  return Object.fromEntries(Object.entries(counts).sort(([a], [b]) => (a < b ? -1 : 1)));
}

describe("verified benchmark export of a verification set", () => {
  it("writes one row per kept pair in set order — verified as judged, overturned swapped into `human` — and leaves out disputed and pending pairs", async () => {
    const { directory, manifest } = await build("jsonl");
    const rows = await readJsonl(path.join(directory, "data/test.jsonl"));
    // Positions 0 (verified), 1 (overturned), 4 (adjudicated: overturned), 5 (verified); 2 disputed and 3 pending are left out.
    expect(rows).toEqual(await Promise.all([0, 1, 4, 5].map((position) => expectedRow(position, manifest.exportVersion))));
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
      categories: { easy: 4, hard: 0, length: 4, human: 2 },
      sources: keptSources(),
    });
    // By hand: five pairs with two votes (first, second): CC, RR, CR, TB, CC → agreement 3/5; Cohen's kappa
    // (0.6 − pₑ) / (1 − pₑ), pₑ = 3/5·2/5 (C) + 1/5·2/5 (R) = 0.32; the raters upheld the judge on 2 of the 3 pairs
    // they decided (the adjudicated pair is the admin's decision: left out, as on the set's page).
    expect(manifest.agreement.humanHuman).toMatchObject({ pairs: 5, agreement: 0.6, kappaKind: "cohen" });
    expect(manifest.agreement.humanHuman.kappa).toBeCloseTo(0.28 / 0.68, 12);
    expect(manifest.agreement.humanJudge).toMatchObject({ pairs: 3, agreement: 2 / 3 });
    // The same numbers, intervals included, as the set's page and `verification show`.
    expect(manifest.agreement).toEqual((await verificationSetSummary(setId)).agreement);
    // Pseudonyms only: no rater's name or email anywhere in the package.
    for (const text of Object.values(await packageBytes(directory)).map((b) => Buffer.from(b, "base64").toString("utf8")))
      for (const r of Object.values(RATERS)) {
        expect(text).not.toContain(r.name);
        expect(text).not.toContain(r.email);
      }
  });

  it("states the construction in the card: source, strategy, sampling, the m-of-k rule and every outcome's count", async () => {
    const { directory } = await build("jsonl");
    const card = await readFile(path.join(directory, "README.md"), "utf8");
    expect(card).toContain(`# MedPref verified benchmark: Cardio bench v1`);
    expect(card).toContain(`4 of 6 pairs are kept.`);
    expect(card).toContain(
      `- **Source**: judge run **Imported: gpt-4o (judge.jsonl)** (\`${seeded.runId}\`): its aggregated ranking of each prompt binarised by the \`best-worst\` strategy`,
    );
    expect(card).toContain("- **Sampling**: 6 pairs sampled, `random`: drawn at random (seed 7).");
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
      ...Object.entries(keptSources()).map(([source, n]) => `| ${source} | ${n} |`),
      "| test | data/test.jsonl | 4 |",
    ])
      expect(card).toContain(line);
    expect(card).toMatch(
      /- \*\*Human–human\*\* \(5 pairs with two or more votes\): 0\.600 agreement \(95% CI \d\.\d{3}–\d\.\d{3}\); Cohen's kappa 0\.412 \(95% CI -?\d\.\d{3}–\d\.\d{3}\)\./,
    );
    expect(card).toMatch(
      /- \*\*Human–judge\*\* \(3 pairs the raters verified or overturned; adjudicated ones left out\): 0\.667 upheld the judge's verdict \(95% CI \d\.\d{3}–\d\.\d{3}\)\./,
    );
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
      sql`UPDATE verification_votes SET confidence = 3 WHERE pair_id = ${seeded.pairs[3]!.id} AND user_id = ${users.get("ames")}`,
    );
    try {
      const after = await build("jsonl");
      expect(after.manifest.exportVersion).not.toBe(before.manifest.exportVersion);
    } finally {
      await execute(
        pool(),
        sql`UPDATE verification_votes SET confidence = NULL WHERE pair_id = ${seeded.pairs[3]!.id} AND user_id = ${users.get("ames")}`,
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
        const pair = seeded.pairs[position]!;
        const swapped = PLANTED[position]!.outcome === "OVERTURNED";
        return {
          pair: pair.id,
          prompt_id: position === 5 ? pair.promptId : pair.externalId,
          human: swapped,
          outcome: PLANTED[position]!.outcome.toLowerCase(),
          chosen_model: swapped ? "qwen" : "gpt-4",
          votes: "2",
          upheld: !swapped,
        };
      })
      .sort((a, b) => (a.pair! < b.pair! ? -1 : 1));
    expect(fromParquet.map((r) => ({ ...r, votes: String(r.votes) }))).toEqual(expected);
    expect(fromJsonl.map((r) => ({ ...r, votes: String(r.votes) }))).toEqual(expected);
  });

  it("streams the texts of a set larger than one batch (500 pairs), every row in position order", async () => {
    const large = await seedVerificationSet({ prompts: 501, set: { name: "Large", strategy: "best-worst" } });
    await execute(pool(), sql`UPDATE verification_pairs SET outcome = 'VERIFIED' WHERE set_id = ${large.setId} AND position <> 3`);
    const directory = await tmp();
    const manifest = await buildVerifiedPackage({
      config: verifiedExportConfigSchema.parse({ kind: "verification", set: large.setId }),
      directory,
    });
    const rows = await readJsonl(path.join(directory, "data/test.jsonl"));
    expect(rows.map((r) => r.pair)).toEqual(large.pairs.filter((p) => p.position !== 3).map((p) => p.id));
    expect(rows.map((r) => (r.prompt as { content: string }[])[0]!.content)).toEqual(
      large.pairs.filter((p) => p.position !== 3).map((p) => `Question ${p.externalId.slice(1)}: what is the first-line treatment?`),
    );
    expect(manifest.statistics).toMatchObject({ sampled: 501, kept: 500, pending: 1 });
  }, 180_000);

  it("builds through the exports table (job, view, files) and the CLI into the same bytes; refuses a set without kept pairs", async () => {
    const stored = await db().export.create({ data: { name: "bench", config: config("parquet"), configHash: "x" } });
    await runExportBuild(stored.id);
    const view = (await getExport(stored.id))!;
    expect(view).toMatchObject({
      status: "READY",
      format: "verified benchmark",
      fileType: "parquet",
      projects: [seeded.project.slug],
      rowsWritten: 4,
    });
    expect(view.files.map((f) => [f.path, f.rows])).toEqual([
      ["README.md", 0],
      ["data/test.parquet", 4],
    ]);

    // A benchmark export is no source for another set.
    await expect(
      createVerificationSet(seeded.project.slug, { name: "From a benchmark", source: `export:${stored.id}`, pairs: 2 }, null),
    ).rejects.toMatchObject({
      field: "source",
      message: `Export ${stored.id} is the verified benchmark of a verification set, not a rankings export; choose a rankings export's test split, or a judge run.`,
    });

    // Nor a reward-model benchmark of its own: the set is.
    await expect(loadBenchmark({ exportId: stored.id })).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: `Export ${stored.id} is the verified benchmark of set ${seeded.setId}: evaluate on the set (--set ${seeded.setId}).`,
    });

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
