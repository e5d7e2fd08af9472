import { mkdtemp, readFile, readdir } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { tableFromIPC, Vector } from "apache-arrow";
import { readParquet } from "parquet-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { pool } from "@/lib/db/pool";
import { buildExportPackage } from "@/lib/export/build-export";
import { exportConfigSchema, PAIRING_STRATEGIES, type ExportConfigInput } from "@/lib/export/export-config";
import { validateExportConfig } from "@/lib/export/export-jobs";
import { packageLayout } from "@/lib/export/package-layout";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { runCli } from "../support/cli";
import { useFreshDatabase } from "../support/test-database";

/**
 * Every export read back by readers MedPref did not write: arrow-rs (through parquet-wasm) for
 * Parquet, DuckDB for JSONL types, and each Parquet file compared with its JSONL twin.
 */
let databaseUrl: string;
const MODELS = ["gpt-4", "llama-3", "mixtral", "qwen", "gemma"];
const PROMPTS = 30;
const MAIN = "readers-main";
const TINY = "readers-tiny";

/** Candidate order for annotator a on prompt i (best first, some tiers tied); prompt 5's rankings cancel out into an all-tie. */
function humanRanking(i: number, a: number): (string | string[])[] {
  if (i === 5) return a === 0 ? MODELS : [...MODELS].reverse();
  const rotated = MODELS.map((_, j) => MODELS[(j + i + (a === 2 ? 1 : 0)) % MODELS.length]!);
  return i % 4 === 0 ? [rotated[0]!, [rotated[1]!, rotated[2]!], rotated[3]!, rotated[4]!] : rotated;
}

async function seedMain() {
  const project = await makeProject({ slug: MAIN, allowTies: true });
  const records = Array.from({ length: PROMPTS }, (_, i) => ({
    id: `q${i}`,
    ...(i === 3
      ? {
          messages: [
            { role: "user", content: "I have a headache." },
            { role: "assistant", content: "Since when?" },
            { role: "user", content: "Since yesterday; what should I take?" },
          ],
        }
      : { prompt: i === 1 ? "what is the first-line treatment for condition 0" : `What is the first-line treatment for condition ${i}?` }),
    source: i % 3 ? "MedQA" : "PubMedQA",
    type: "exam",
    completions: MODELS.map((model, j) => ({
      model,
      text: `Answer ${j} to ${i}.${" Detail.".repeat(j * 2)}${i === 7 ? " line\u2028separated" : ""}`,
    })),
  }));
  await importText(project.id, jsonl(records));
  const humans = [];
  for (let i = 0; i < PROMPTS; i++) {
    for (const [a, annotator] of ["Dr. Ames", "Dr. Bello", "Dr. Chu"].entries()) {
      if (i === 5 && a === 2) continue;
      const ranking = humanRanking(i, a);
      const scores = Object.fromEntries(
        ranking.flatMap((tier, place) => (Array.isArray(tier) ? tier : [tier]).map((m) => [m, Math.max(1, 5 - place)])),
      );
      humans.push({ prompt_id: `q${i}`, annotator, ranking, scores });
    }
  }
  expect(
    await importRankings({
      projectId: project.id,
      input: [Buffer.from(jsonl(humans))],
      fileName: "h.jsonl",
      kind: "human",
      annotator: null,
      actorId: null,
    }),
  ).toMatchObject({ ok: true });
  const judge = Array.from({ length: PROMPTS }, (_, i) => ({ prompt_id: `q${i}`, ranking: i % 4 ? MODELS : [...MODELS].reverse() }));
  expect(
    await importRankings({
      projectId: project.id,
      input: [Buffer.from(jsonl(judge))],
      fileName: "j.jsonl",
      kind: "judge",
      annotator: "gpt-4o",
      actorId: null,
    }),
  ).toMatchObject({ ok: true });
}

/** Three prompts ranked on a 0–10 scale: every prompt lands in train, so validation, test and the categories come out empty. */
async function seedTiny() {
  const project = await makeProject({ slug: TINY, allowTies: true });
  await importText(
    project.id,
    jsonl(
      [0, 1, 2].map((i) => ({
        id: `t${i}`,
        prompt: `Tiny question ${i}`,
        source: "MedQA",
        completions: MODELS.slice(0, 3).map((model, j) => ({ model, text: `Tiny answer ${j}.${" More.".repeat(j)}` })),
      })),
    ),
  );
  const humans = [0, 1, 2].flatMap((i) =>
    ["Dr. Ames", "Dr. Bello"].map((annotator) => ({
      prompt_id: `t${i}`,
      annotator,
      ranking: MODELS.slice(0, 3),
      scores: { "gpt-4": 9.5, "llama-3": 6, mixtral: 0 },
    })),
  );
  expect(
    await importRankings({
      projectId: project.id,
      input: [Buffer.from(jsonl(humans))],
      fileName: "t.jsonl",
      kind: "human",
      annotator: null,
      actorId: null,
      scoreScale: [0, 10],
    }),
  ).toMatchObject({ ok: true });
}

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
  await seedMain();
  await seedTiny();
}, 180_000);

const tmp = () => mkdtemp(path.join(os.tmpdir(), "medpref-readers-"));

async function build(input: Omit<ExportConfigInput, "projects"> & { projects?: string[] }) {
  const directory = await tmp();
  const manifest = await buildExportPackage({ config: exportConfigSchema.parse({ projects: [MAIN], ...input }), directory });
  return { directory, manifest };
}

const readJsonl = async (file: string) =>
  (await readFile(file, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Arrow values as plain JSON values (lists as arrays, structs as objects). */
function plain(value: unknown): unknown {
  if (value === null || value === undefined) return null;
  if (typeof value === "bigint") return Number(value);
  if (value instanceof Vector) return [...value].map(plain);
  if (typeof value === "object" && "toJSON" in value && typeof value.toJSON === "function") {
    return Object.fromEntries(Object.entries(value.toJSON() as Record<string, unknown>).map(([k, v]) => [k, plain(v)]));
  }
  return value;
}

/** A Parquet file read by arrow-rs (parquet-wasm), rows as plain objects. */
async function readWithArrowRs(file: string): Promise<Record<string, unknown>[]> {
  const table = tableFromIPC(readParquet(new Uint8Array(await readFile(file))).intoIPCStream());
  // Through JSON, as the JSONL twin is read: plain prototypes, numbers as JSON numbers.
  return [...table].map((row) => JSON.parse(JSON.stringify(plain(row))) as Record<string, unknown>);
}

let duck: Awaited<ReturnType<DuckDBInstance["connect"]>>;
/** The column types DuckDB infers for a JSONL file, as "name type" lines. */
async function jsonlTypes(file: string): Promise<string[]> {
  duck ??= await (await DuckDBInstance.create(":memory:")).connect();
  const result = await duck.runAndReadAll(`DESCRIBE SELECT * FROM read_json_auto('${file.replaceAll("'", "''")}', sample_size = -1)`);
  return result.getRowObjectsJson().map((r) => `${String(r.column_name)} ${String(r.column_type)}`);
}

const withoutVersion = (rows: Record<string, unknown>[]) =>
  rows.map((r) => ({ ...r, provenance: { ...(r.provenance as object), export_version: null } }));

/** Every configuration the integration reads: each format, strategy (pair formats), KTO cut and style, with categories. */
function matrix(): ExportConfigInput[] {
  const configs: ExportConfigInput[] = [];
  for (const format of ["h4", "dpo", "rm"] as const)
    for (const strategy of PAIRING_STRATEGIES) configs.push({ projects: [MAIN], format, strategy, categories: true, source: "humans" });
  configs.push({ projects: [MAIN], format: "dpo", dpoStyle: "standard", strategy: "all-pairs", categories: true });
  for (const ktoCut of ["median", "top-k"] as const)
    for (const dpoStyle of ["conversational", "standard"] as const)
      configs.push({ projects: [MAIN], format: "kto", ktoCut, dpoStyle, strategy: "all-pairs" });
  configs.push({ projects: [MAIN], format: "sft" }, { projects: [MAIN], format: "rankings" }, { projects: [MAIN], format: "critiques" });
  configs.push(
    { projects: [TINY], format: "h4", categories: true },
    { projects: [TINY], format: "dpo", strategy: "all-pairs", categories: true },
    { projects: [TINY], format: "kto" },
    { projects: [TINY], format: "rankings" },
  );
  return configs;
}

describe("exports read by independent readers", () => {
  it("every file of every format × file type × strategy × category export reads in arrow-rs as its JSONL twin, with one type per column across the package", async () => {
    let filesRead = 0;
    for (const input of matrix()) {
      const label = JSON.stringify(input);
      const jsonlBuild = await build({ ...input, fileType: "jsonl" });
      const parquetBuild = await build({ ...input, fileType: "parquet" });
      const dataFiles = jsonlBuild.manifest.files.filter((f) => f.path.startsWith("data/"));
      expect(parquetBuild.manifest.files.map((f) => f.path.replace(/\.parquet$/, ".jsonl"))).toEqual(
        jsonlBuild.manifest.files.map((f) => f.path),
      );
      const types = new Map<string, string[]>();
      for (const file of dataFiles) {
        expect(file.rows, `${label} ${file.path}`).toBeGreaterThan(0);
        const jsonRows = await readJsonl(path.join(jsonlBuild.directory, file.path));
        const arrowRows = await readWithArrowRs(path.join(parquetBuild.directory, file.path.replace(/\.jsonl$/, ".parquet")));
        expect(withoutVersion(arrowRows), `${label} ${file.path}`).toEqual(withoutVersion(jsonRows));
        types.set(file.path, await jsonlTypes(path.join(jsonlBuild.directory, file.path)));
        filesRead += 1;
      }
      // DuckDB infers the same type for a column in every JSONL file of the package (h4's _sft and _gen included).
      const [first, ...rest] = [...types.entries()];
      for (const [file, t] of rest) expect(t, `${label}: ${file} against ${first![0]}`).toEqual(first![1]);
      // No file on disk, and no card entry, for a split without rows; the rest of the layout is left out with a reason.
      const config = exportConfigSchema.parse({ ...input, fileType: "jsonl" });
      const layout = packageLayout(config).map((f) => f.path);
      expect([...dataFiles.map((f) => f.path), ...jsonlBuild.manifest.leftOut.map((l) => l.path)].sort(), label).toEqual(
        [...layout].sort(),
      );
      const onDisk = (await readdir(path.join(jsonlBuild.directory, "data"))).map((f) => `data/${f}`).sort();
      expect(onDisk, label).toEqual(dataFiles.map((f) => f.path).sort());
      const card = await readFile(path.join(jsonlBuild.directory, "README.md"), "utf8");
      const front = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(card)![1]!) as {
        configs: { data_files: { split: string; path: string }[] }[];
        dataset_info: { splits: { name: string; num_examples: number }[]; features: { name: string }[] };
      };
      expect(front.configs[0]!.data_files.map((d) => d.path).sort(), label).toEqual(dataFiles.map((f) => f.path).sort());
      expect(
        front.dataset_info.splits.map((s) => s.num_examples),
        label,
      ).toEqual(front.configs[0]!.data_files.map((d) => dataFiles.find((f) => f.path === d.path)!.rows));
      expect(
        front.dataset_info.features.map((f) => f.name),
        label,
      ).toEqual(Object.keys(JSON.parse((await readFile(path.join(jsonlBuild.directory, dataFiles[0]!.path), "utf8")).split("\n")[0]!)));
    }
    expect(filesRead).toBeGreaterThan(100);
  }, 900_000);

  it("leaves out empty splits and categories with the reason in manifest, card and CLI, and refuses a split fraction of 0", async () => {
    const { manifest, directory } = await build({ projects: [TINY], format: "dpo", strategy: "all-pairs", categories: true });
    expect(manifest.files.map((f) => [f.path, f.rows])).toEqual([
      ["data/train.jsonl", 9],
      ["README.md", 0],
    ]);
    expect(manifest.leftOut).toEqual([
      {
        split: "validation",
        path: "data/validation.jsonl",
        reason: 'no prompt fell into the split "validation" (fraction 0.05 of the prompts in scope)',
      },
      { split: "test", path: "data/test.jsonl", reason: 'no prompt fell into the split "test" (fraction 0.05 of the prompts in scope)' },
      ...["easy", "hard", "length", "human"].map((c) => ({
        split: `test_${c}`,
        path: `data/test_${c}.jsonl`,
        reason: 'no prompt fell into the split "test" (fraction 0.05 of the prompts in scope)',
      })),
    ]);
    const card = await readFile(path.join(directory, "README.md"), "utf8");
    expect(card).toContain('- `test_hard`: no prompt fell into the split "test" (fraction 0.05 of the prompts in scope).');
    expect(card).not.toContain("data/test_hard.jsonl");

    // A category of a populated split with no matching pair is left out naming its rule.
    const train = await build({
      projects: [TINY],
      format: "rm",
      strategy: "best-worst",
      categories: true,
      splits: [{ name: "test", fraction: 1 }],
    });
    expect(train.manifest.leftOut).toEqual([
      {
        split: "test_hard",
        path: "data/test_hard.jsonl",
        reason: 'no pair of the split "test" is hard: small gap: the chosen and rejected candidates are at most one rank apart',
      },
      {
        split: "test_human",
        path: "data/test_human.jsonl",
        reason:
          "no pair of the split \"test\" is human: prompts where the clinicians' consensus (mean rank) puts a different candidate first than the judge's rankings (the configured judge run, else any)",
      },
    ]);

    await expect(
      validateExportConfig({
        projects: [TINY],
        splits: [
          { name: "train", fraction: 1 },
          { name: "test", fraction: 0 },
        ],
      }),
    ).rejects.toMatchObject({ field: "splits", message: "a split fraction is above 0 (leave the split out instead)" });

    const out = path.join(await tmp(), "pkg");
    const cli = await runCli(databaseUrl, [
      "export",
      "--project",
      TINY,
      "--format",
      "dpo",
      "--splits",
      "train=0.999,test=0.001",
      "--out",
      out,
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain(
      'left out test (data/test.jsonl): no rows: no prompt fell into the split "test" (fraction 0.001 of the prompts in scope)',
    );
    expect(await readdir(path.join(out, "data"))).toEqual(["train.jsonl"]);
  }, 300_000);

  it("labels KTO from the aggregated ranking: each (prompt, completion) once, better than the middle rank desirable, worse undesirable, the cut recorded", async () => {
    const rankings = await build({ format: "rankings", splits: [{ name: "train", fraction: 1 }] });
    const ranked = await readJsonl(path.join(rankings.directory, "data/train.jsonl"));
    for (const [ktoCut, rule] of [
      ["median", "kto:median"],
      ["top-k", "kto:top-2"],
    ] as const) {
      const kto = await build({ format: "kto", ktoCut, strategy: "all-pairs", splits: [{ name: "train", fraction: 1 }] });
      const rows = await readJsonl(path.join(kto.directory, "data/train.jsonl"));
      const seen = new Set<string>();
      const got = new Set<string>();
      for (const row of rows) {
        const p = row.provenance as { prompt_id: string; completion_id: string; strategy: string };
        expect(seen.has(`${p.prompt_id}:${p.completion_id}`)).toBe(false);
        seen.add(`${p.prompt_id}:${p.completion_id}`);
        got.add(`${p.completion_id}:${row.label}`);
        expect(p.strategy).toBe(rule);
      }
      // Derived independently from the rankings export's aggregated ranks (5 candidates: middle rank 3).
      const expected = new Set<string>();
      for (const r of ranked) {
        const ranks = (r.candidates as { completion_id: string; rank: number }[]).map((c) => c.rank);
        for (const c of r.candidates as { completion_id: string; rank: number }[]) {
          if (ktoCut === "median") {
            if (c.rank < 3) expected.add(`${c.completion_id}:true`);
            else if (c.rank > 3) expected.add(`${c.completion_id}:false`);
          } else {
            if (ranks.filter((x) => x <= c.rank).length <= 2) expected.add(`${c.completion_id}:true`);
            else if (ranks.filter((x) => x >= c.rank).length <= 2) expected.add(`${c.completion_id}:false`);
          }
        }
      }
      expect(got).toEqual(expected);
      expect(rows.length).toBe(expected.size);
      const card = await readFile(path.join(kto.directory, "README.md"), "utf8");
      expect(card).toContain(`**Labels** (\`${rule}\`, no pairing)`);
      expect(kto.manifest.config.ktoCut).toBe(ktoCut);
      expect(kto.manifest.statistics.labels.desirable + kto.manifest.statistics.labels.undesirable).toBe(rows.length);
    }
  }, 300_000);

  it("sft leaves out all-tied prompts and says so; h4's prompt is the last user turn while dpo keeps the conversation; the card names each trainer", async () => {
    const one = [{ name: "train", fraction: 1 }];
    const rankings = await readJsonl(path.join((await build({ format: "rankings", splits: one })).directory, "data/train.jsonl"));
    const tied = rankings
      .filter((r) => new Set((r.candidates as { rank: number }[]).map((c) => c.rank)).size === 1)
      .map((r) => (r.provenance as { prompt_id: string }).prompt_id);
    expect(tied.length).toBeGreaterThanOrEqual(1);
    const sft = await build({ format: "sft", splits: one });
    const sftRows = await readJsonl(path.join(sft.directory, "data/train.jsonl"));
    expect(sftRows.filter((r) => tied.includes((r.provenance as { prompt_id: string }).prompt_id))).toEqual([]);
    expect(sftRows.length).toBe(rankings.length - tied.length);
    expect(sft.manifest.statistics.promptsSkipped).toEqual({ "all-tied": tied.length });
    const sftCard = await readFile(path.join(sft.directory, "README.md"), "utf8");
    expect(sftCard).toContain(`Prompts left out: all-tied ${tied.length}.`);
    expect(sftCard).toContain("prompts whose candidates all tie are left out");
    expect(sftCard).toContain(
      'trainer = SFTTrainer(model=model, args=SFTConfig(output_dir="sft"), train_dataset=train, processing_class=tokenizer)',
    );

    const h4 = await build({ format: "h4", splits: one });
    const prefs = await readJsonl(path.join(h4.directory, "data/train_prefs.jsonl"));
    const multi = prefs.find((r) => (r.prompt as string) === "Since yesterday; what should I take?")!;
    expect((multi.chosen as { role: string }[]).map((m) => m.role)).toEqual(["user", "assistant", "user", "assistant"]);
    const dpo = await build({ format: "dpo", splits: one });
    const dpoMulti = (await readJsonl(path.join(dpo.directory, "data/train.jsonl"))).find(
      (r) => (r.provenance as { prompt_id: string }).prompt_id === (multi.provenance as { prompt_id: string }).prompt_id,
    )!;
    expect((dpoMulti.prompt as { content: string }[]).map((m) => m.content)).toEqual([
      "I have a headache.",
      "Since when?",
      "Since yesterday; what should I take?",
    ]);
    const h4Card = await readFile(path.join(h4.directory, "README.md"), "utf8");
    expect(h4Card).toContain("TRL's `apply_chat_template` refuses that combination");
    expect(h4Card).toContain('prefs = ds["train_prefs"].select_columns(["chosen", "rejected"])');
    expect(h4Card).toContain("h4's `prompt` column holds only the last user turn");
    const dpoCard = await readFile(path.join(dpo.directory, "README.md"), "utf8");
    expect(dpoCard).toContain(
      'trainer = DPOTrainer(model=model, args=DPOConfig(output_dir="dpo"), train_dataset=train, processing_class=tokenizer)',
    );
    const rm = await readFile(path.join((await build({ format: "rm", splits: one })).directory, "README.md"), "utf8");
    expect(rm).toContain(
      'trainer = RewardTrainer(model=model, args=RewardConfig(output_dir="rm"), train_dataset=train, processing_class=tokenizer)',
    );
    // h4's _sft and _gen rows are filled like the prompt's first pair (no empty lists, no all-null scores).
    const sftPart = await readJsonl(path.join(h4.directory, "data/train_sft.jsonl"));
    const gen = await readJsonl(path.join(h4.directory, "data/train_gen.jsonl"));
    expect(sftPart.every((r) => (r.rejected as unknown[]).length > 0 && r.score_chosen !== null)).toBe(true);
    expect(gen.map((r) => (r.messages as { role: string }[]).at(-1)!.role)).toEqual(gen.map(() => "user"));
    // U+2028 in a completion stays one JSONL line, escaped.
    const raw = await readFile(path.join(h4.directory, "data/train_prefs.jsonl"), "utf8");
    expect(raw).not.toMatch(/[\u2028\u2029]/);
    expect(raw).toContain("line\\u2028separated");
  }, 300_000);

  it("exports imported scores on their declared scale", async () => {
    const dpo = await build({ projects: [TINY], format: "dpo", strategy: "best-worst", splits: [{ name: "train", fraction: 1 }] });
    const rows = await readJsonl(path.join(dpo.directory, "data/train.jsonl"));
    expect(rows.map((r) => r.provenance)).toEqual(
      rows.map(() => expect.objectContaining({ chosen_score: 9.5, rejected_score: 0, score_scale: "0-10" })),
    );
    const h4 = await build({ projects: [TINY], format: "h4", strategy: "best-worst", splits: [{ name: "train", fraction: 1 }] });
    const prefs = await readJsonl(path.join(h4.directory, "data/train_prefs.jsonl"));
    expect(prefs.map((r) => [r.score_chosen, r.score_rejected])).toEqual([
      [9.5, 0],
      [9.5, 0],
      [9.5, 0],
    ]);
    expect(await readFile(path.join(h4.directory, "README.md"), "utf8")).toContain("on the scale the rankings declared");
    const { rows: stored } = await pool().query<{ n: number }>(
      `SELECT count(*)::int AS n FROM ranking_revisions WHERE score_min = 0 AND score_max = 10`,
    );
    expect(stored[0]!.n).toBe(6);
  }, 120_000);
});
