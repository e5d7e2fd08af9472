import { mkdtemp, readFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { tableFromIPC, Vector } from "apache-arrow";
import { readParquet } from "parquet-wasm";
import { beforeAll, describe, expect, it } from "vitest";
import { insertNextRevision } from "@/lib/annotation/store-revision";
import { saveTaxonomy } from "@/lib/critiques/project-taxonomy";
import { insertCritiqueSpans, type CompletionSpan } from "@/lib/critiques/store-spans";
import { DEFAULT_TAXONOMY } from "@/lib/critiques/taxonomy";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { withTransaction } from "@/lib/db/transaction";
import { buildExportPackage, type ExportManifest } from "@/lib/export/build-export";
import { exportConfigSchema, type ExportConfigInput } from "@/lib/export/export-config";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { runCli } from "../support/cli";
import { useFreshDatabase } from "../support/test-database";

/**
 * Critique spans through the export: the `critiques` format read back by DuckDB and by arrow-rs
 * (parquet-wasm), offsets that slice their quote in code points, spans in the pair formats'
 * provenance, and excludeCriticalChosen dropping exactly the planted pairs.
 */
const SLUG = "critiques-export";
const MODELS = ["alpha", "beta", "gamma"];
const PROMPTS = 4;
const ONE_SPLIT = [{ name: "train", fraction: 1 }];
/** Astral characters (💊, 𝔀) and CJK before the quotes: code-point offsets differ from UTF-16 ones. */
const text = (i: number, j: number) => `Réponse ${j} 💊 pour ${i}: 阿司匹林 ${100 * (j + 1)} mg 每日一次. Avoid 𝔀arfarin.`;

let databaseUrl: string;
let promptIds: string[];
let pseudonyms: { ames: string; bello: string };
/** Completion ids by prompt and model index. */
let completionIds: string[][];

const spanOver = (i: number, j: number, quote: string, extra: Partial<CompletionSpan> = {}): CompletionSpan => {
  const completion = text(i, j);
  const start = Array.from(completion.slice(0, completion.indexOf(quote))).length;
  return {
    completionId: completionIds[i]![j]!,
    start,
    end: start + Array.from(quote).length,
    text: quote,
    tag: "wrong-dose",
    severity: "major",
    comment: "",
    correction: "",
    ...extra,
  };
};

/** Each clinician's ranking (latest revision) of prompt i. */
async function revisionOf(i: number, annotator: string): Promise<{ rankingId: string; revisionId: string }> {
  const [row] = await queryRows<{ rankingId: string; revisionId: string }>(
    pool(),
    sql`SELECT r.id AS ranking_id, rr.id AS revision_id FROM rankings r JOIN ranking_revisions rr ON rr.ranking_id = r.id AND rr.revision = r.revision
          JOIN users u ON u.id = r.rater_id WHERE r.prompt_id = ${promptIds[i]!}::uuid AND u.name = ${annotator}`,
  );
  return row!;
}

/**
 * Four prompts of three candidates, ranked alpha > beta > gamma by two clinicians. Spans: prompt 0,
 * a major span on alpha (Ames, taxonomy 0) and a critical one on the rejected gamma (Bello); prompt 1,
 * a critical span on the chosen alpha (the planted pair); prompt 2, a critical span on alpha in
 * Bello's first revision, replaced by a minor one (taxonomy 1) in the revision after; prompt 3, none.
 */
async function seed() {
  const project = await makeProject({ slug: SLUG });
  await importText(
    project.id,
    jsonl(
      Array.from({ length: PROMPTS }, (_, i) => ({
        id: `c${i}`,
        prompt: `Dose of aspirin, case ${i}?`,
        source: "MedQA",
        completions: MODELS.map((model, j) => ({ model, text: text(i, j) })),
      })),
    ),
  );
  const humans = Array.from({ length: PROMPTS }, (_, i) =>
    ["Dr. Ames", "Dr. Bello"].map((annotator) => ({ prompt_id: `c${i}`, annotator, ranking: MODELS })),
  );
  expect(
    await importRankings({
      projectId: project.id,
      input: [Buffer.from(jsonl(humans.flat()))],
      fileName: "h.jsonl",
      kind: "human",
      annotator: null,
      actorId: null,
    }),
  ).toMatchObject({ ok: true });
  const prompts = await queryRows<{ id: string; externalId: string }>(
    pool(),
    sql`SELECT id, external_id FROM prompts WHERE project_id = ${project.id}::uuid`,
  );
  promptIds = Array.from({ length: PROMPTS }, (_, i) => prompts.find((p) => p.externalId === `c${i}`)!.id);
  const completions = await queryRows<{ id: string; promptId: string; model: string }>(
    pool(),
    sql`SELECT c.id, c.prompt_id, c.model FROM completions c WHERE c.prompt_id = ANY(${promptIds}::uuid[])`,
  );
  completionIds = promptIds.map((p) => MODELS.map((m) => completions.find((c) => c.promptId === p && c.model === m)!.id));
  const users = await queryRows<{ name: string; pseudonym: string }>(
    pool(),
    sql`SELECT name, pseudonym FROM users WHERE name IN ('Dr. Ames', 'Dr. Bello')`,
  );
  pseudonyms = { ames: users.find((u) => u.name === "Dr. Ames")!.pseudonym, bello: users.find((u) => u.name === "Dr. Bello")!.pseudonym };

  await insertCritiqueSpans(
    pool(),
    await revisionOf(0, "Dr. Ames"),
    [spanOver(0, 0, "阿司匹林 100 mg", { comment: "too low", correction: "阿司匹林 300 mg" })],
    0,
  );
  await insertCritiqueSpans(
    pool(),
    await revisionOf(0, "Dr. Bello"),
    [spanOver(0, 2, "𝔀arfarin", { tag: "unsafe", severity: "critical" })],
    0,
  );
  await insertCritiqueSpans(pool(), await revisionOf(1, "Dr. Ames"), [spanOver(1, 0, "100 mg", { severity: "critical" })], 0);
  const first = await revisionOf(2, "Dr. Bello");
  await insertCritiqueSpans(pool(), first, [spanOver(2, 0, "Avoid", { tag: "other", severity: "critical" })], 0);
  await saveTaxonomy(
    project.id,
    { tags: [{ key: "dose-error", label: "Dose error", colour: "orange", marker: "Δ" }, ...DEFAULT_TAXONOMY.tags] },
    null,
  );
  const next = await withTransaction((tx) =>
    insertNextRevision(tx, {
      rankingId: first.rankingId,
      authorId: null,
      submission: { tiers: completionIds[2]!.map((id) => [id]), details: {}, timeOnTaskMs: 0 },
      shownOrder: null,
      idempotencyKey: null,
    }),
  );
  await insertCritiqueSpans(
    pool(),
    { revisionId: next.revisionId },
    [spanOver(2, 0, "Avoid", { tag: "dose-error", severity: "minor" })],
    1,
  );
}

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
  await seed();
}, 120_000);

const tmp = () => mkdtemp(path.join(os.tmpdir(), "medpref-critiques-"));

async function build(input: Omit<ExportConfigInput, "projects">) {
  const directory = await tmp();
  const manifest = await buildExportPackage({
    config: exportConfigSchema.parse({ projects: [SLUG], splits: ONE_SPLIT, ...input }),
    directory,
  });
  return { directory, manifest };
}

const readJsonl = async (file: string) =>
  (await readFile(file, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

let duck: Awaited<ReturnType<DuckDBInstance["connect"]>>;
async function duckRows(query: string) {
  duck ??= await (await DuckDBInstance.create(":memory:")).connect();
  return JSON.parse(JSON.stringify((await duck.runAndReadAll(query)).getRowObjectsJson())) as Record<string, unknown>[];
}
const quoted = (file: string) => `'${file.replaceAll("'", "''")}'`;

/** Arrow values as plain JSON values (lists as arrays, structs as objects). */
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

const withoutVersion = (rows: Record<string, unknown>[]) =>
  rows.map((r) => ({ ...r, provenance: { ...(r.provenance as object), export_version: null } }));

interface SpanRow {
  start: number;
  end: number;
  text: string;
  tag: string;
  severity: string;
  comment: string;
  correction: string;
  rater: string;
}
interface CritiqueRow {
  prompt_id: string;
  model: string;
  completion: string;
  rank: number;
  spans: SpanRow[];
  provenance: { completion_id: string; spans: SpanRow[] };
}

describe("the critiques export", () => {
  it("writes one row per prompt and candidate with its rank and the latest revisions' spans, read alike from JSONL, DuckDB and arrow-rs", async () => {
    const jsonlBuild = await build({ format: "critiques" });
    const parquetBuild = await build({ format: "critiques", fileType: "parquet" });
    expect(jsonlBuild.manifest.files.map((f) => [f.path, f.rows])).toEqual([
      ["data/train.jsonl", PROMPTS * MODELS.length],
      ["README.md", 0],
    ]);
    const rows = (await readJsonl(path.join(jsonlBuild.directory, "data/train.jsonl"))) as unknown as CritiqueRow[];
    const parquetFile = path.join(parquetBuild.directory, "data/train.parquet");
    const asJson = rows as unknown as Record<string, unknown>[];
    expect(withoutVersion(await duckRows(`SELECT * FROM read_parquet(${quoted(parquetFile)})`))).toEqual(withoutVersion(asJson));
    expect(withoutVersion(await readWithArrowRs(parquetFile))).toEqual(withoutVersion(asJson));
    expect(Object.keys(rows[0]!)).toEqual(["prompt_id", "prompt", "model", "completion", "rank", "spans", "provenance"]);

    const row = (i: number, j: number) => rows.find((r) => r.prompt_id === promptIds[i] && r.model === MODELS[j])!;
    expect(rows.map((r) => [promptIds.indexOf(r.prompt_id), r.model, r.rank, r.completion]).sort()).toEqual(
      promptIds.flatMap((_, i) => MODELS.map((m, j) => [i, m, j + 1, text(i, j)])).sort(),
    );
    const { ames, bello } = pseudonyms;
    // 💊 (one code point, two UTF-16 units) comes first: "阿司匹林 100 mg" starts at code point 20, UTF-16 unit 21.
    expect(row(0, 0).spans).toEqual([
      {
        start: 20,
        end: 31,
        text: "阿司匹林 100 mg",
        tag: "wrong-dose",
        severity: "major",
        comment: "too low",
        correction: "阿司匹林 300 mg",
        rater: ames,
      },
    ]);
    expect(row(0, 2).spans).toEqual([
      { start: 44, end: 52, text: "𝔀arfarin", tag: "unsafe", severity: "critical", comment: "", correction: "", rater: bello },
    ]);
    // Only the latest revision: Bello's first revision's critical span on prompt 2 is history.
    expect(row(2, 0).spans).toEqual([
      { start: 38, end: 43, text: "Avoid", tag: "dose-error", severity: "minor", comment: "", correction: "", rater: bello },
    ]);
    expect(row(3, 0).spans).toEqual([]);
    expect(row(0, 0).provenance).toMatchObject({ completion_id: completionIds[0]![0], spans: row(0, 0).spans });

    // Every span slices exactly its quote out of `completion` in code points (here, in JSONL) …
    const spans = rows.flatMap((r) => r.spans.map((s) => ({ ...s, completion: r.completion })));
    expect(spans).toHaveLength(4);
    for (const s of spans) expect(Array.from(s.completion).slice(s.start, s.end).join("")).toBe(s.text);
    expect(spans.filter((s) => s.completion.slice(s.start, s.end) !== s.text)).toHaveLength(4); // UTF-16 slicing would not
    // … and in DuckDB's SQL over the Parquet file (substring counts characters, from 1).
    expect(
      await duckRows(
        `SELECT count(*)::int AS spans, count(*) FILTER (WHERE substring(completion, s.start + 1, s."end" - s.start) = s.text)::int AS exact
           FROM (SELECT completion, unnest(spans) AS s FROM read_parquet(${quoted(parquetFile)}))`,
      ),
    ).toEqual([{ spans: 4, exact: 4 }]);

    expect(jsonlBuild.manifest.statistics.critiques).toEqual({
      spans: 4,
      criticalChosenDropped: 0,
      taxonomyVersions: { [SLUG]: [0, 1] },
    });
    const card = await readFile(path.join(jsonlBuild.directory, "README.md"), "utf8");
    expect(card).toContain(
      "**Offsets** `start` and `end` count Unicode code points (not bytes, not UTF-16 units) into the completion's text, half-open [start, end)",
    );
    expect(card).toContain(`Project \`${SLUG}\`, taxonomy version 0 (MedPref's default):`);
    expect(card).toContain("| `contraindication` | Contraindication or interaction missed |");
    expect(card).toContain(`Project \`${SLUG}\`, taxonomy version 1:`);
    expect(card).toContain("| `dose-error` | Dose error |");
    expect(card).toContain("Critique spans: 4.");
    expect(card).not.toContain("Dr. Ames");
  }, 120_000);

  it("is byte-for-byte the same for the same configuration and data", async () => {
    const a = await build({ format: "critiques", fileType: "parquet" });
    const b = await build({ format: "critiques", fileType: "parquet" });
    expect(b.manifest.files).toEqual(a.manifest.files);
    expect(await readFile(path.join(b.directory, "manifest.json"))).toEqual(await readFile(path.join(a.directory, "manifest.json")));
    const c = await build({ format: "critiques", fileType: "jsonl" });
    const d = await build({ format: "critiques", fileType: "jsonl" });
    expect(d.manifest.files).toEqual(c.manifest.files);
  }, 120_000);
});

describe("critique spans in the pair formats", () => {
  type PairProvenance = { prompt_id: string; chosen_id: string; rejected_id: string; chosen_spans: SpanRow[]; rejected_spans: SpanRow[] };
  const pairsOf = async (directory: string) =>
    (await readJsonl(path.join(directory, "data/train.jsonl"))).map((r) => r.provenance as PairProvenance);

  it("carries the chosen and the rejected completion's spans in the provenance, in JSONL and Parquet alike", async () => {
    const jsonlBuild = await build({ format: "dpo", strategy: "best-worst" });
    const parquetBuild = await build({ format: "dpo", strategy: "best-worst", fileType: "parquet" });
    const jsonRows = await readJsonl(path.join(jsonlBuild.directory, "data/train.jsonl"));
    expect(withoutVersion(await readWithArrowRs(path.join(parquetBuild.directory, "data/train.parquet")))).toEqual(
      withoutVersion(jsonRows),
    );
    const p0 = (await pairsOf(jsonlBuild.directory)).find((p) => p.prompt_id === promptIds[0])!;
    expect([p0.chosen_id, p0.rejected_id]).toEqual([completionIds[0]![0], completionIds[0]![2]]);
    expect(p0.chosen_spans.map((s) => [s.text, s.severity, s.rater])).toEqual([["阿司匹林 100 mg", "major", pseudonyms.ames]]);
    expect(p0.rejected_spans.map((s) => [s.text, s.severity, s.rater])).toEqual([["𝔀arfarin", "critical", pseudonyms.bello]]);
    const p3 = (await pairsOf(jsonlBuild.directory)).find((p) => p.prompt_id === promptIds[3])!;
    expect([p3.chosen_spans, p3.rejected_spans]).toEqual([[], []]);
  }, 120_000);

  it("excludeCriticalChosen leaves out exactly the pairs whose chosen completion has a critical span in a latest revision, and the card says how many", async () => {
    const all = await build({ format: "dpo", strategy: "all-pairs" });
    const kept = await build({ format: "dpo", strategy: "all-pairs", excludeCriticalChosen: true });
    const key = (p: PairProvenance) => `${promptIds.indexOf(p.prompt_id)}:${p.chosen_id}>${p.rejected_id}`;
    const before = (await pairsOf(all.directory)).map(key);
    const after = (await pairsOf(kept.directory)).map(key);
    expect(before).toHaveLength(PROMPTS * 3);
    // Prompt 1's alpha has a critical span: its two pairs as chosen go; beta > gamma stays. Prompt 0's critical span is on the rejected gamma, prompt 2's is history.
    const planted = [`1:${completionIds[1]![0]}>${completionIds[1]![1]}`, `1:${completionIds[1]![0]}>${completionIds[1]![2]}`];
    expect(before.filter((k) => !after.includes(k)).sort()).toEqual(planted.sort());
    expect(after).toHaveLength(before.length - 2);
    expect(kept.manifest.statistics.critiques.criticalChosenDropped).toBe(2);
    expect(kept.manifest.statistics.promptsSkipped).toEqual({});
    expect(await readFile(path.join(kept.directory, "README.md"), "utf8")).toContain(
      "preference pairs whose chosen completion carries a critical critique span (anyone's, in a ranking's latest revision) are left out: 2 pair(s) dropped (pair formats only)",
    );

    // best-worst: prompt 1's only pair goes, and with it the prompt, counted as left out.
    const bestWorst = await build({ format: "h4", strategy: "best-worst", excludeCriticalChosen: true });
    expect(bestWorst.manifest.statistics.promptsSkipped).toEqual({ "critical-chosen": 1 });
    expect(bestWorst.manifest.statistics.critiques.criticalChosenDropped).toBe(1);
    expect(bestWorst.manifest.files.filter((f) => f.path.startsWith("data/")).map((f) => [f.path, f.rows])).toEqual([
      ["data/train_prefs.jsonl", PROMPTS - 1],
      ["data/train_sft.jsonl", PROMPTS - 1],
      ["data/train_gen.jsonl", PROMPTS - 1],
    ]);
  }, 120_000);

  it("takes --exclude-critical-chosen on the command line and writes the same package", async () => {
    const out = path.join(await tmp(), "pkg");
    const cli = await runCli(databaseUrl, [
      "export",
      "--project",
      SLUG,
      "--format",
      "dpo",
      "--strategy",
      "all-pairs",
      "--splits",
      "train=1",
      "--exclude-critical-chosen",
      "--out",
      out,
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const same = await build({ format: "dpo", strategy: "all-pairs", excludeCriticalChosen: true });
    const manifest = JSON.parse(await readFile(path.join(out, "manifest.json"), "utf8")) as ExportManifest;
    expect(manifest.config.excludeCriticalChosen).toBe(true);
    expect(manifest.files).toEqual(same.manifest.files);
  }, 120_000);
});

describe("the export's version", () => {
  it("moves with a critique span stored after the revision it belongs to", async () => {
    const before = await build({ format: "critiques" });
    await insertCritiqueSpans(
      pool(),
      await revisionOf(3, "Dr. Ames"),
      [spanOver(3, 1, "每日一次", { tag: "other", severity: "minor" })],
      1,
    );
    const after = await build({ format: "critiques" });
    expect(after.manifest.dataVersion).not.toBe(before.manifest.dataVersion);
    expect(after.manifest.exportVersion).not.toBe(before.manifest.exportVersion);
    expect(after.manifest.statistics.critiques.spans).toBe(5);
  }, 120_000);
});
