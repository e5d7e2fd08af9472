import { createHash } from "node:crypto";
import { mkdtemp, readFile, readdir, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { pool } from "@/lib/db/pool";
import { buildExportPackage, type ExportManifest } from "@/lib/export/build-export";
import { EXPORT_FORMATS, exportConfigSchema, type ExportConfigInput } from "@/lib/export/export-config";
import { runExportBuild } from "@/lib/export/export-jobs";
import { validateExportConfig } from "@/lib/export/export-jobs";
import { normalizePromptText } from "@/lib/export/normalize-prompt";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { db } from "@/lib/db/prisma";
import { HAS_SHARED_FIXTURES, importFile, importText, jsonl, makeProject, ULTRAMEDICAL_DIR } from "../support/fixtures";
import { runCli } from "../support/cli";
import { useFreshDatabase } from "../support/test-database";

let databaseUrl: string;
let slug: string;
let otherSlug: string;
let judgeRun: string;
let otherRun: string;
const MODELS = ["gpt-4", "llama-3", "mixtral", "qwen"];
const PROMPTS = 24;

/** Rankings by three clinicians (with 1–5 scores) and a judge; prompt 5's mean ranks all tie, prompts 0 and 1 differ only in case and punctuation. */
async function seed(projectSlug: string) {
  const project = await makeProject({ slug: projectSlug, allowTies: true });
  const text = (i: number) =>
    i === 1 ? "what is the first-line treatment for condition 0" : `What is the first-line treatment for condition ${i}?`;
  await importText(
    project.id,
    jsonl(
      Array.from({ length: PROMPTS }, (_, i) => ({
        id: `q${i}`,
        prompt: text(i),
        source: i % 3 ? "MedQA" : "PubMedQA",
        type: "exam",
        completions: MODELS.map((model, j) => ({ model, text: `Answer ${j} to ${i}.${" Detail.".repeat(j * 2)}` })),
      })),
    ),
  );
  const humans = [];
  for (let i = 0; i < PROMPTS; i++) {
    for (const [a, annotator] of ["Dr. Ames", "Dr. Bello", "Dr. Chu"].entries()) {
      if (i === 5 && a === 2) continue;
      // Prompt 5: two exactly opposite rankings, so every mean rank ties.
      const order =
        i === 5
          ? a === 0
            ? MODELS
            : [...MODELS].reverse()
          : a === 2 && i % 2
            ? [["llama-3"], ["gpt-4"], ["mixtral"], ["qwen"]]
            : [["gpt-4"], ["llama-3"], ["mixtral", "qwen"]];
      humans.push({ prompt_id: `q${i}`, annotator, ranking: order, scores: { "gpt-4": 5, "llama-3": 4, mixtral: 2, qwen: 2 } });
    }
  }
  const h = await importRankings({
    projectId: project.id,
    input: [Buffer.from(jsonl(humans))],
    fileName: "h.jsonl",
    kind: "human",
    annotator: null,
    actorId: null,
  });
  expect(h, JSON.stringify(h.problems?.slice(0, 2))).toMatchObject({ ok: true });
  const judge = Array.from({ length: PROMPTS }, (_, i) => ({
    prompt_id: `q${i}`,
    ranking: i % 4 ? ["gpt-4", "llama-3", "mixtral", "qwen"] : ["llama-3", "gpt-4", "qwen", "mixtral"],
  }));
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
  const { rows } = await pool().query<{ id: string }>(`SELECT id FROM judge_runs WHERE project_id = $1 AND kind = 'JUDGE'`, [project.id]);
  return rows[0]!.id;
}

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
  slug = "export-main";
  otherSlug = "export-other";
  judgeRun = await seed(slug);
  otherRun = await seed(otherSlug);
});

const tmp = () => mkdtemp(path.join(os.tmpdir(), "medpref-export-"));

async function build(input: Omit<ExportConfigInput, "projects"> & { projects?: string[] }) {
  const directory = await tmp();
  const manifest = await buildExportPackage({ config: exportConfigSchema.parse({ projects: [slug], ...input }), directory });
  return { directory, manifest };
}

const readJsonl = async (file: string) =>
  (await readFile(file, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
const sha256 = async (file: string) =>
  createHash("sha256")
    .update(await readFile(file))
    .digest("hex");

let duck: Awaited<ReturnType<DuckDBInstance["connect"]>>;
async function readParquet(file: string) {
  duck ??= await (await DuckDBInstance.create(":memory:")).connect();
  const result = await duck.runAndReadAll(`SELECT * FROM read_parquet('${file.replaceAll("'", "''")}')`);
  return JSON.parse(JSON.stringify(result.getRowObjectsJson())) as Record<string, unknown>[];
}

/** Parquet through DuckDB and JSONL through JSON.parse give the same values (DuckDB prints 2.0 as 2, as JSON.parse does). */
describe("export packages", () => {
  for (const format of EXPORT_FORMATS) {
    it(`writes ${format} as JSONL and Parquet with the same rows, checksums in the manifest and a dataset card naming every file`, async () => {
      const jsonlBuild = await build({ format, strategy: "best-random", categories: format === "dpo" });
      const parquetBuild = await build({ format, strategy: "best-random", categories: format === "dpo", fileType: "parquet" });
      const dataFiles = jsonlBuild.manifest.files.filter((f) => f.path.startsWith("data/"));
      expect(dataFiles.length).toBeGreaterThan(0);
      expect(dataFiles.reduce((s, f) => s + f.rows, 0)).toBeGreaterThan(0);
      for (const file of dataFiles) {
        const jsonRows = await readJsonl(path.join(jsonlBuild.directory, file.path));
        expect(jsonRows).toHaveLength(file.rows);
        const parquetRows = await readParquet(path.join(parquetBuild.directory, file.path.replace(/\.jsonl$/, ".parquet")));
        // The file type is part of the configuration, so only the export version differs.
        const withoutVersion = (rows: Record<string, unknown>[]) =>
          rows.map((r) => ({ ...r, provenance: { ...(r.provenance as object), export_version: null } }));
        expect(withoutVersion(parquetRows), file.path).toEqual(withoutVersion(jsonRows));
      }
      for (const { directory, manifest } of [jsonlBuild, parquetBuild]) {
        const onDisk = [...(await readdir(path.join(directory, "data"))).map((f) => `data/${f}`), "README.md", "manifest.json"].sort();
        expect(onDisk).toEqual([...manifest.files.map((f) => f.path), "manifest.json"].sort());
        for (const f of manifest.files) {
          expect(await sha256(path.join(directory, f.path)), f.path).toBe(f.sha256);
          expect((await stat(path.join(directory, f.path))).size, f.path).toBe(f.bytes);
        }
        const card = await readFile(path.join(directory, "README.md"), "utf8");
        const front = parseYaml(/^---\n([\s\S]*?)\n---\n/.exec(card)![1]!) as {
          license: string;
          configs: { data_files: { split: string; path: string }[] }[];
        };
        expect(front.license).toBe("other");
        expect(front.configs[0]!.data_files.map((d) => d.path).sort()).toEqual(
          manifest.files
            .filter((f) => f.path.startsWith("data/"))
            .map((f) => f.path)
            .sort(),
        );
        for (const d of front.configs[0]!.data_files) expect(d.split).toMatch(/^\w+(\.\w+)*$/);
        expect(card).toContain("@inproceedings{zhang2024ultramedical");
        expect(JSON.parse(await readFile(path.join(directory, "manifest.json"), "utf8"))).toEqual(JSON.parse(JSON.stringify(manifest)));
      }
    });
  }

  it("writes the h4 columns and splits of HuggingFaceH4/ultrafeedback_binarized", async () => {
    const { directory, manifest } = await build({
      format: "h4",
      splits: [
        { name: "train", fraction: 0.8 },
        { name: "test", fraction: 0.2 },
      ],
    });
    expect(manifest.files.map((f) => f.path)).toEqual([
      "data/train_prefs.jsonl",
      "data/train_sft.jsonl",
      "data/train_gen.jsonl",
      "data/test_prefs.jsonl",
      "data/test_sft.jsonl",
      "data/test_gen.jsonl",
      "README.md",
    ]);
    const [row] = await readJsonl(path.join(directory, "data/train_prefs.jsonl"));
    expect(Object.keys(row!)).toEqual([
      "prompt",
      "prompt_id",
      "chosen",
      "rejected",
      "messages",
      "score_chosen",
      "score_rejected",
      "provenance",
    ]);
    expect(row!.prompt_id).toBe(
      createHash("sha256")
        .update(row!.prompt as string)
        .digest("hex"),
    );
    expect((row!.chosen as { role: string }[]).map((m) => m.role)).toEqual(["user", "assistant"]);
    expect(row!.messages).toEqual(row!.chosen);
    const raw = (await readFile(path.join(directory, "data/train_prefs.jsonl"), "utf8")).split("\n")[0]!;
    expect(raw).toMatch(/"score_chosen":\d+\.\d/); // always a float in JSON, so readers infer one type
    const provenance = row!.provenance as Record<string, unknown>;
    expect(provenance).toMatchObject({
      project: slug,
      rating_source: "humans",
      strategy: "best-random",
      export_version: manifest.exportVersion,
      num_rankings: 3,
    });
    // Annotators appear by pseudonym only.
    expect(provenance.raters).toHaveLength(3);
    for (const rater of provenance.raters as string[]) expect(rater).toMatch(/^rater-/);
    expect(provenance.chosen_rank as number).toBeLessThan(provenance.rejected_rank as number);
  });

  it("keeps every prompt, and every normalized prompt, in one split", async () => {
    const { directory, manifest } = await build({
      format: "dpo",
      strategy: "all-pairs",
      splits: [
        { name: "train", fraction: 0.5 },
        { name: "validation", fraction: 0.25 },
        { name: "test", fraction: 0.25 },
      ],
    });
    const splitOf = new Map<string, string>();
    for (const f of manifest.files.filter((x) => x.path.startsWith("data/"))) {
      for (const row of await readJsonl(path.join(directory, f.path))) {
        const p = row.provenance as { prompt_id: string };
        const key = normalizePromptText((row.prompt as { content: string }[]).map((m) => m.content).join("\n\n"));
        for (const k of [p.prompt_id, key]) {
          expect(splitOf.get(k) ?? f.path, k).toBe(f.path);
          splitOf.set(k, f.path);
        }
      }
    }
    expect(new Set(splitOf.values()).size).toBe(3);
  });

  it("is byte-for-byte the same for the same configuration and data, and changes with the seed", async () => {
    const a = await build({ format: "rm", strategy: "all-pairs", fileType: "parquet" });
    const b = await build({ format: "rm", strategy: "all-pairs", fileType: "parquet" });
    expect(b.manifest.files).toEqual(a.manifest.files);
    expect(await readFile(path.join(b.directory, "manifest.json"))).toEqual(await readFile(path.join(a.directory, "manifest.json")));
    const c = await build({ format: "rm", strategy: "all-pairs", fileType: "parquet", seed: 7 });
    expect(c.manifest.exportVersion).not.toBe(a.manifest.exportVersion);
  });

  it("pairs from aggregated rankings: all-pairs skips ties, the all-tied prompt gives nothing, chosen always ranks better", async () => {
    const { directory, manifest } = await build({ format: "rm", strategy: "all-pairs", splits: [{ name: "train", fraction: 1 }] });
    expect(manifest.statistics.promptsSkipped["no-pairs"]).toBe(1);
    const rows = await readJsonl(path.join(directory, "data/train.jsonl"));
    for (const row of rows) {
      const p = row.provenance as { chosen_rank: number; rejected_rank: number; rank_gap: number };
      expect(p.chosen_rank).toBeLessThan(p.rejected_rank);
      expect(row.margin).toBe(p.rank_gap);
    }
    // Mean ranks of (1,2,3.5,3.5), (1,2,3.5,3.5) and sometimes (2,1,3,4): mixtral and qwen stay tied only on half the prompts.
    expect(rows.length).toBeGreaterThan(0);
  });

  it("uses the judge run, falls back to it, or treats it as one more rater", async () => {
    const judgeOnly = await build({ format: "rankings", source: "judge", judgeRuns: [judgeRun] });
    const rows = await readJsonl(path.join(judgeOnly.directory, "data/train.jsonl"));
    expect(rows.length).toBeGreaterThan(0);
    expect((rows[0]!.provenance as { rating_source: string; judge_run: string }).judge_run).toBe(judgeRun);
    expect((rows[0]!.rankings as unknown[]).length).toBe(4); // every individual ranking, whatever the source
    const fallback = await build({ format: "dpo", source: "humans+judge", judgeRuns: [judgeRun], minHumanRankings: 4 });
    expect(fallback.manifest.statistics.promptsUsed).toBeGreaterThan(0);
    const both = await build({ format: "dpo", source: "both", judgeRuns: [judgeRun], splits: [{ name: "train", fraction: 1 }] });
    const [row] = await readJsonl(path.join(both.directory, "data/train.jsonl"));
    expect((row!.provenance as { raters: string[] }).raters).toContain(`judge:${judgeRun}`);
  });

  it("refuses impossible configurations before any work, naming the problem", async () => {
    await expect(
      validateExportConfig({
        projects: [slug],
        splits: [
          { name: "train", fraction: 0.9 },
          { name: "test", fraction: 0.2 },
        ],
      }),
    ).rejects.toThrow(/sum to 1/);
    await expect(validateExportConfig({ projects: [slug], splits: [{ name: "bad name", fraction: 1 }] })).rejects.toThrow(/split names/);
    await expect(validateExportConfig({ projects: ["nope"] })).rejects.toThrow(/No project with the slug "nope"/);
    await expect(
      validateExportConfig({ projects: [slug], source: "judge", judgeRuns: ["00000000-0000-4000-8000-000000000000"] }),
    ).rejects.toThrow(/No judge run/);
    await expect(validateExportConfig({ projects: [slug], source: "judge", judgeRuns: [otherRun] })).rejects.toThrow(/another project/);
    await expect(validateExportConfig({ projects: [slug], strategy: "all-pairs", margin: 4 })).rejects.toThrow(/at most 4 candidates/);
    await expect(validateExportConfig({ projects: [slug], minHumanRankings: 5 })).rejects.toThrow(/Nothing is eligible/);
    const empty = await makeProject();
    await expect(validateExportConfig({ projects: [empty.slug] })).rejects.toThrow(/Nothing is eligible/);
  });

  it("exports from the CLI the same package, and refuses bad flags with exit code 2", async () => {
    const out = path.join(await tmp(), "pkg");
    const result = await runCli(databaseUrl, [
      "export",
      "--project",
      slug,
      "--format",
      "dpo",
      "--strategy",
      "best-worst",
      "--file-type",
      "parquet",
      "--splits",
      "train=0.9,validation=0.05,test=0.05",
      "--seed",
      "42",
      "--out",
      out,
    ]);
    expect(result.stderr).toContain("exporting:");
    expect(result.code).toBe(0);
    const same = await build({ format: "dpo", strategy: "best-worst", fileType: "parquet" });
    const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as ExportManifest;
    expect(manifest.files).toEqual(same.manifest.files);
    const bad = await runCli(databaseUrl, [
      "export",
      "--project",
      slug,
      "--format",
      "dpo",
      "--splits",
      "train=0.5,test=0.2",
      "--out",
      path.join(await tmp(), "x"),
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("split fractions must sum to 1");
    const usage = await runCli(databaseUrl, ["export", "--project", slug, "--source", "robots", "--out", "x"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toContain("--source");
    const noRun = await runCli(databaseUrl, ["export", "--project", slug, "--source", "judge", "--out", "x"]);
    expect(noRun.code).toBe(2);
    expect(noRun.stderr).toContain(judgeRun); // the CLI lists the project's judge runs to choose from
    const margin = await runCli(databaseUrl, [
      "export",
      "--project",
      slug,
      "--strategy",
      "all-pairs",
      "--margin",
      "9",
      "--out",
      path.join(await tmp(), "y"),
    ]);
    expect(margin.code).toBe(1);
    expect(margin.stderr).toContain("margin of 9");
  }, 180_000);

  it("builds an export job into a published, checksummed package; a failed build publishes nothing", async () => {
    const config = exportConfigSchema.parse({ projects: [slug], format: "kto" });
    const ok = await db().export.create({ data: { name: "kto", config, configHash: "x" } });
    await runExportBuild(ok.id);
    const done = await db().export.findUniqueOrThrow({ where: { id: ok.id }, include: { files: true } });
    expect(done.status).toBe("READY");
    expect(done.progress).toBe(1);
    expect(done.files.map((f) => f.path).sort()).toEqual(["README.md", "data/test.jsonl", "data/train.jsonl", "data/validation.jsonl"]);
    const broken = await db().export.create({ data: { name: "broken", config: { ...config, projects: ["gone"] }, configHash: "y" } });
    await runExportBuild(broken.id);
    const failed = await db().export.findUniqueOrThrow({ where: { id: broken.id }, include: { files: true } });
    expect(failed.status).toBe("FAILED");
    expect(failed.error).toContain('No project with the slug "gone"');
    expect(failed.files).toHaveLength(0);
  });
});

describe.skipIf(!HAS_SHARED_FIXTURES)("export of real UltraMedical prompts (6 candidates each)", () => {
  it("binarizes a judge's UltraMedical-style rankings into 15 all-pairs per prompt and an h4 package whose card names its files", async () => {
    const project = await makeProject({ slug: "ultramedical-export" });
    await importFile(project.id, path.join(ULTRAMEDICAL_DIR, "medqa_outputs.json"));
    const records = JSON.parse(await readFile(path.join(ULTRAMEDICAL_DIR, "medqa_outputs.json"), "utf8")) as {
      id: string;
      model_outputs: Record<string, string>[];
    }[];
    // A judge that ranks candidates in file order with scores 5, 4, …, 0: strict rankings, scores on a declared 0–5 scale.
    const feedback = records.map((r) => ({
      ...r,
      "feedback.json": {
        feedback: Object.fromEntries(r.model_outputs.map((_, j) => [`Model ${j + 1}`, { Evaluation: `eval ${j + 1}`, Score: 5 - j }])),
        ranking: r.model_outputs.map((_, j) => ({ rank: j + 1, model: `Model ${j + 1}` })),
      },
    }));
    const refused = await importRankings({
      projectId: project.id,
      input: [Buffer.from(JSON.stringify(feedback))],
      fileName: "feedback.json",
      kind: "judge",
      annotator: "gpt-4-judge",
      actorId: null,
    });
    expect(refused.ok).toBe(false);
    expect(refused.problems[0]).toMatchObject({
      field: "feedback",
      reason: expect.stringContaining("Model 6 has the score 0, outside 1–5"),
    });
    const imported = await importRankings({
      projectId: project.id,
      input: [Buffer.from(JSON.stringify(feedback))],
      fileName: "feedback.json",
      kind: "judge",
      annotator: "gpt-4-judge",
      actorId: null,
      scoreScale: [0, 5],
    });
    expect(imported).toMatchObject({ ok: true });
    const run = (await pool().query<{ id: string }>(`SELECT id FROM judge_runs WHERE project_id = $1`, [project.id])).rows[0]!.id;
    const directory = await tmp();
    const config = exportConfigSchema.parse({
      projects: [project.slug],
      source: `judge`,
      judgeRuns: [run],
      format: "rm",
      strategy: "all-pairs",
      splits: [{ name: "train", fraction: 1 }],
    });
    const manifest = await buildExportPackage({ config, directory });
    expect(manifest.statistics.promptsUsed).toBe(records.length);
    expect(manifest.files[0]!.rows).toBe(records.length * 15);
    const rows = await readJsonl(path.join(directory, "data/train.jsonl"));
    const widest = rows.filter((r) => (r.provenance as { rank_gap: number }).rank_gap === 5);
    expect(widest).toHaveLength(records.length);
    const firstModels = new Set(records.map((r) => Object.keys(r.model_outputs[0]!)[0]));
    for (const row of widest) {
      expect(row.provenance).toMatchObject({
        chosen_rank: 1,
        rejected_rank: 6,
        chosen_score: 5,
        rejected_score: 0,
        score_scale: "0-5",
        rating_source: "judge",
        judge_run: run,
      });
      expect(firstModels.has((row.provenance as { chosen_model: string }).chosen_model)).toBe(true);
    }

    const h4 = path.join(await tmp(), "card");
    const cli = await runCli(databaseUrl, [
      "export",
      "--project",
      project.slug,
      "--source",
      `judge:${run}`,
      "--format",
      "h4",
      "--strategy",
      "best-random",
      "--file-type",
      "parquet",
      "--splits",
      "train=0.8,test=0.2",
      "--categories",
      "--out",
      h4,
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const card = await readFile(path.join(h4, "README.md"), "utf8");
    expect(card).toContain("path: data/train_prefs.parquet");
    expect(card).toContain("`hard`: small gap");
  });
});
