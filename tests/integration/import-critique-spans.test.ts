import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { DuckDBInstance } from "@duckdb/node-api";
import { beforeAll, describe, expect, it } from "vitest";
import { saveTaxonomy } from "@/lib/critiques/project-taxonomy";
import { DEFAULT_TAXONOMY } from "@/lib/critiques/taxonomy";
import { pool } from "@/lib/db/pool";
import { queryOne, queryRows, sql } from "@/lib/db/sql";
import { buildExportPackage } from "@/lib/export/build-export";
import { exportConfigSchema, type ExportConfigInput } from "@/lib/export/export-config";
import { importRankings, type RankingImportOptions } from "@/lib/import/rankings/import-rankings";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { runCli } from "../support/cli";
import { useFreshDatabase } from "../support/test-database";

/**
 * Critique spans in and out: import-rankings reads spans with MedPref JSONL rankings (checked
 * against the candidates' text and the project's taxonomy, all or nothing), the exports carry them
 * at the same code-point offsets, and a `rankings` export imports back into the same spans.
 */
const MODELS = ["alpha", "beta", "gamma"];
const PROMPTS = 3;
/** Astral characters (💊, 𝔀) and CJK before the quotes: code-point offsets differ from UTF-16 ones. */
const text = (i: number, j: number) => `Réponse ${j} 💊 pour ${i}: 阿司匹林 ${100 * (j + 1)} mg 每日一次. Avoid 𝔀arfarin.`;

interface FileSpan {
  model: string;
  start: number;
  end: number;
  text: string;
  tag: string;
  severity: string;
  comment: string;
  correction: string;
}

/** A span over `quote` in prompt i's candidate j, at its code-point offsets. */
function spanOn(i: number, j: number, quote: string, tag: string, severity: string, notes: Partial<FileSpan> = {}): FileSpan {
  const completion = text(i, j);
  const at = completion.indexOf(quote);
  if (at < 0) throw new Error(`"${quote}" is not in ${completion}`);
  const start = Array.from(completion.slice(0, at)).length;
  return {
    model: MODELS[j]!,
    start,
    end: start + Array.from(quote).length,
    text: quote,
    tag,
    severity,
    comment: "",
    correction: "",
    ...notes,
  };
}

const AMES_C0 = [
  spanOn(0, 0, "阿司匹林 100 mg", "wrong-dose", "major", { comment: "too low 💊", correction: "阿司匹林 300 mg" }),
  spanOn(0, 2, "Avoid 𝔀arfarin", "factually-incorrect", "minor"),
  spanOn(0, 2, "𝔀arfarin", "unsafe", "critical"),
  // Before the first span on alpha: the rankings export lists a ranking's spans by candidate, not by offset alone.
  spanOn(0, 2, "Réponse 2", "irrelevant", "minor"),
];
const BELLO_C0 = [spanOn(0, 0, "100 mg", "wrong-dose", "minor")];
const BELLO_C2 = [spanOn(2, 1, "每日一次", "other", "minor", { comment: "once daily? check", correction: "每日两次" })];
const JUDGE_C1 = [spanOn(1, 2, "Avoid", "other", "major")];

const HUMAN_FILE = [
  { prompt_id: "c0", annotator: "Dr. Ames", ranking: MODELS, scores: { alpha: 4, beta: 3, gamma: 1 }, spans: AMES_C0 },
  { prompt_id: "c0", annotator: "Dr. Bello", ranking: ["beta", "alpha", "gamma"], spans: BELLO_C0 },
  { prompt_id: "c1", annotator: "Dr. Ames", ranking: MODELS },
  { prompt_id: "c2", annotator: "Dr. Bello", ranking: ["gamma", "beta", "alpha"], spans: BELLO_C2 },
];

let projectId: string;
let slug: string;
let databaseUrl: string;

const importLines = (lines: unknown[], options: Partial<RankingImportOptions> = {}) =>
  importRankings({
    projectId,
    input: [Buffer.from(jsonl(lines))],
    fileName: "rankings.jsonl",
    kind: "human",
    annotator: null,
    actorId: null,
    ...options,
  });

const spanCount = async () => Number((await queryOne<{ n: string }>(pool(), sql`SELECT count(*) AS n FROM critique_spans`))!.n);
const rankingCount = async () => Number((await queryOne<{ n: string }>(pool(), sql`SELECT count(*) AS n FROM rankings`))!.n);

async function build(input: Omit<ExportConfigInput, "projects">) {
  const directory = await mkdtemp(path.join(os.tmpdir(), "medpref-span-import-"));
  await buildExportPackage({
    config: exportConfigSchema.parse({ projects: [slug], splits: [{ name: "train", fraction: 1 }], ...input }),
    directory,
  });
  return directory;
}
const readJsonl = async (file: string) =>
  (await readFile(file, "utf8"))
    .split("\n")
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);

interface RankingsRow {
  candidates: { model: string; content: string }[];
  rankings: {
    rater: string;
    kind: string;
    judge_run: string | null;
    ranks: number[];
    scores: (number | null)[];
    score_scale: string;
    spans: FileSpan[];
  }[];
  provenance: { prompt_id: string };
}
interface CritiquesRow {
  model: string;
  completion: string;
  provenance: { prompt_id: string };
  spans: (Omit<FileSpan, "model"> & { rater: string })[];
}

/** The pseudonym of the account an imported rater's name maps to. */
const pseudonymOf = async (name: string) =>
  (await queryOne<{ pseudonym: string }>(pool(), sql`SELECT pseudonym FROM users WHERE name = ${name}`))!.pseudonym;

/** A `rankings` export's ranking as a MedPref JSONL import record: tiers from its ranks, its scores and spans as they are. */
function asImportRecord(row: RankingsRow, ranking: RankingsRow["rankings"][number], annotator: string) {
  const ranks = [...new Set(ranking.ranks)].sort((a, b) => a - b);
  const tiers = ranks.map((rank) => row.candidates.filter((_, i) => ranking.ranks[i] === rank).map((c) => c.model));
  const scores = Object.fromEntries(row.candidates.flatMap((c, i) => (ranking.scores[i] === null ? [] : [[c.model, ranking.scores[i]]])));
  return {
    prompt_id: row.provenance.prompt_id,
    annotator,
    ranking: tiers.map((t) => (t.length === 1 ? t[0] : t)),
    scores,
    score_scale: ranking.score_scale,
    spans: ranking.spans,
  };
}

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
  const project = await makeProject();
  projectId = project.id;
  slug = project.slug;
  await importText(
    projectId,
    jsonl(
      Array.from({ length: PROMPTS }, (_, i) => ({
        id: `c${i}`,
        prompt: `Dose of aspirin, case ${i}?`,
        completions: MODELS.map((model, j) => ({ model, text: text(i, j) })),
      })),
    ),
  );
}, 120_000);

describe("importing rankings with critique spans", () => {
  it("refuses the whole file when a span does not fit, naming the line, the span and what to fix, and stores nothing", async () => {
    const wrongQuote = { ...BELLO_C0[0]!, text: "200 mg" };
    const result = await importLines([
      HUMAN_FILE[0],
      { ...HUMAN_FILE[1], spans: [wrongQuote] },
      { ...HUMAN_FILE[2], spans: [{ ...JUDGE_C1[0]!, model: "delta" }] },
      { ...HUMAN_FILE[3], spans: [{ ...BELLO_C2[0]!, tag: "typo" }] },
      { prompt_id: "c1", annotator: "Dr. Bello", ranking: MODELS, spans: [{ ...JUDGE_C1[0]!, end: 400 }] },
    ]);
    expect(result.ok).toBe(false);
    expect(result.message).toBe("Nothing was imported: 4 of 5 records have problems. Fix them and import the file again.");
    expect(result.problems).toEqual([
      {
        location: "line 2",
        field: "spans[0].text",
        reason: `"alpha", span 1: the quoted text "200 mg" does not match the text at ${wrongQuote.start}–${wrongQuote.end} ("100 mg"); select the text again`,
      },
      { location: "line 3", field: "spans[0].model", reason: `names "delta", which is not a model of this prompt's candidates` },
      {
        location: "line 4",
        field: "spans[0].tag",
        reason: `"beta", span 1: "typo" is not a tag of this project's taxonomy; pick one of the listed tags`,
      },
      {
        location: "line 5",
        field: "spans[0].end",
        reason: `"gamma", span 1: the span ends at 400, after the end of the response (${Array.from(text(1, 2)).length} characters); select the text again`,
      },
    ]);
    expect(await rankingCount()).toBe(0);
    expect(await spanCount()).toBe(0);
  }, 60_000);

  it("stores each record's spans with its ranking's revision, at the file's code-point offsets, under the project's taxonomy version", async () => {
    expect(await importLines(HUMAN_FILE)).toMatchObject({ ok: true, imported: 4 });
    const judged = await importLines([{ prompt_id: "c1", annotator: "gpt-judge", ranking: MODELS, spans: JUDGE_C1 }], { kind: "judge" });
    expect(judged).toMatchObject({ ok: true, imported: 1 });

    const stored = await queryRows<FileSpan & { rater: string | null; externalId: string; version: number; revision: number }>(
      pool(),
      sql`SELECT coalesce(u.name, jr.model) AS rater, p.external_id, c.model, s.start_offset AS start, s.end_offset AS "end", s.quote AS text, s.tag, s.severity,
                 s.comment, s.correction, s.taxonomy_version AS version, rr.revision
            FROM critique_spans s JOIN ranking_revisions rr ON rr.id = s.revision_id JOIN rankings r ON r.id = rr.ranking_id
            JOIN completions c ON c.id = s.completion_id JOIN prompts p ON p.id = c.prompt_id
            LEFT JOIN users u ON u.id = r.rater_id LEFT JOIN judge_runs jr ON jr.id = r.judge_run_id
           ORDER BY p.external_id, rater, s.start_offset, s.end_offset, s.tag`,
    );
    const expected = [
      ...AMES_C0.map((s) => ["c0", "Dr. Ames", s] as const),
      ...BELLO_C0.map((s) => ["c0", "Dr. Bello", s] as const),
      ...JUDGE_C1.map((s) => ["c1", "gpt-judge", s] as const),
      ...BELLO_C2.map((s) => ["c2", "Dr. Bello", s] as const),
    ];
    expect(stored.map(({ externalId, rater, version, revision, ...span }) => [externalId, rater, span, version, revision])).toEqual(
      expected
        .map(([p, rater, span]) => [p, rater, span, 0, 1])
        .sort((a, b) => `${a[0]}${a[1]}`.localeCompare(`${b[0]}${b[1]}`) || (a[2] as FileSpan).start - (b[2] as FileSpan).start),
    );
    // The offsets are code points: the emoji before the quote makes UTF-16 offsets one more.
    expect(AMES_C0[0]!.start).toBe(20);
    expect(text(0, 0).indexOf("阿司匹林 100 mg")).toBe(21);
  }, 60_000);

  it("writes the spans into the critiques export exactly as imported, each with its rater's pseudonym", async () => {
    const rows = (await readJsonl(path.join(await build({ format: "critiques" }), "data/train.jsonl"))) as unknown as CritiquesRow[];
    const [ames, bello] = [await pseudonymOf("Dr. Ames"), await pseudonymOf("Dr. Bello")];
    const judgeRun = (await queryOne<{ id: string }>(pool(), sql`SELECT id FROM judge_runs WHERE model = 'gpt-judge'`))!.id;
    const spansOf = (externalIndex: number, model: string) =>
      rows.find((r) => r.model === model && r.completion === text(externalIndex, MODELS.indexOf(model)))!.spans;
    const as = (spans: FileSpan[], rater: string) => spans.map(({ model: _model, ...s }) => ({ ...s, rater }));
    expect(spansOf(0, "alpha")).toEqual([...as([AMES_C0[0]!], ames), ...as(BELLO_C0, bello)].sort((a, b) => a.start - b.start));
    expect(spansOf(0, "gamma")).toEqual(as(AMES_C0.slice(1), ames).sort((a, b) => a.start - b.start || a.end - b.end));
    expect(spansOf(1, "gamma")).toEqual(as(JUDGE_C1, `judge:${judgeRun}`));
    expect(spansOf(2, "beta")).toEqual(as(BELLO_C2, bello));
    expect(rows.flatMap((r) => r.spans)).toHaveLength(7);
    for (const r of rows) for (const s of r.spans) expect(Array.from(r.completion).slice(s.start, s.end).join("")).toBe(s.text);
  }, 60_000);

  it("round-trips: a rankings export, read from JSONL or Parquet, imports back as the same rankings with the same spans", async () => {
    const directory = await build({ format: "rankings" });
    const rows = (await readJsonl(path.join(directory, "data/train.jsonl"))) as unknown as RankingsRow[];
    const parquet = path.join(await build({ format: "rankings", fileType: "parquet" }), "data/train.parquet");
    const duck = await (await DuckDBInstance.create(":memory:")).connect();
    const fromParquet = JSON.parse(
      JSON.stringify(
        (
          await duck.runAndReadAll(`SELECT provenance.prompt_id AS prompt_id, rankings FROM read_parquet('${parquet}')`)
        ).getRowObjectsJson(),
      ),
    ) as { prompt_id: string; rankings: RankingsRow["rankings"] }[];
    for (const row of rows)
      expect(fromParquet.find((p) => p.prompt_id === row.provenance.prompt_id)!.rankings.map((r) => r.spans)).toEqual(
        row.rankings.map((r) => r.spans),
      );

    const human = rows.flatMap((row) => row.rankings.filter((r) => r.kind === "human").map((r) => ({ row, r })));
    expect(human).toHaveLength(4);
    const copies = human.map(({ row, r }) => asImportRecord(row, r, `copy of ${r.rater}`));
    const cli = await runCli(databaseUrl, [
      "import-rankings",
      "--project",
      slug,
      "--kind",
      "human",
      "--file",
      await writeTemp(jsonl(copies)),
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    expect(cli.stdout).toContain("Imported 4 human rankings");

    const copyPseudonyms = new Map(
      await Promise.all(human.map(async ({ r }) => [r.rater, await pseudonymOf(`copy of ${r.rater}`)] as const)),
    );
    const again = (await readJsonl(path.join(await build({ format: "rankings" }), "data/train.jsonl"))) as unknown as RankingsRow[];
    for (const row of rows) {
      const after = again.find((a) => a.provenance.prompt_id === row.provenance.prompt_id)!;
      for (const original of row.rankings.filter((r) => r.kind === "human")) {
        const copy = after.rankings.find((r) => r.rater === copyPseudonyms.get(original.rater));
        expect(copy, `copy of ${original.rater}`).toBeDefined();
        expect({ ranks: copy!.ranks, scores: copy!.scores, scale: copy!.score_scale, spans: copy!.spans }).toEqual({
          ranks: original.ranks,
          scores: original.scores,
          scale: original.score_scale,
          spans: original.spans,
        });
      }
    }
    const ames = await pseudonymOf("Dr. Ames");
    // The file's spans in, the export's spans out: Dr. Ames's ranking of c0 carries AMES_C0, in export order.
    const c0 = rows.find((r) => r.candidates[0]!.content === text(0, 0))!;
    const amesRanking = c0.rankings.find((r) => r.rater === ames)!;
    // By candidate in file order, then by start and end.
    expect(amesRanking.spans).toEqual(
      [...AMES_C0].sort((a, b) => MODELS.indexOf(a.model) - MODELS.indexOf(b.model) || a.start - b.start || a.end - b.end),
    );
    expect(await spanCount()).toBe(7 + 6);
  }, 120_000);
});

async function writeTemp(content: string): Promise<string> {
  const file = path.join(await mkdtemp(path.join(os.tmpdir(), "medpref-span-import-")), "copies.jsonl");
  await writeFile(file, content);
  return file;
}

describe("spans under an edited taxonomy", () => {
  it("are checked against the project's current taxonomy and stored under its version", async () => {
    await saveTaxonomy(
      projectId,
      { tags: [{ key: "dose-error", label: "Dose error", colour: "orange", marker: "Δ" }, ...DEFAULT_TAXONOMY.tags] },
      null,
    );
    const span = spanOn(1, 0, "100 mg", "dose-error", "major");
    expect(await importLines([{ prompt_id: "c1", annotator: "Dr. Cole", ranking: MODELS, spans: [span] }])).toMatchObject({ ok: true });
    const row = await queryOne<{ tag: string; version: number }>(
      pool(),
      sql`SELECT s.tag, s.taxonomy_version AS version FROM critique_spans s WHERE s.tag = 'dose-error'`,
    );
    expect(row).toEqual({ tag: "dose-error", version: 1 });
  }, 60_000);
});
