import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { queryRows, sql } from "@/lib/db/sql";
import { db } from "@/lib/db/prisma";
import { exportConfigSchema } from "@/lib/export/export-config";
import { exportDirectory, runExportBuild } from "@/lib/export/export-jobs";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { evaluateScores } from "@/lib/rm-eval/evaluate-scores";
import { leaderboardCsv } from "@/lib/rm-eval/leaderboard-files";
import { leaderboard } from "@/lib/rm-eval/queries";
import { runCli } from "../support/cli";
import { importText, jsonl, makeProject } from "../support/fixtures";
import { verificationSetWithOutcomes } from "../support/rm-eval";
import { useFreshDatabase } from "../support/test-database";

let databaseUrl: string;
let setId: string;
let pairOf: (externalId: string) => string;
let promptUuid: Map<string, string>;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medpref-rm-eval-"));

beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
  // Kept: q0, q2, q3 verified as the judge gave them (gpt-4 over qwen); q1 overturned (kept as qwen over gpt-4, "human").
  // q4 pending and q5 disputed are not evaluated.
  const seeded = await verificationSetWithOutcomes(6, {
    q0: { outcome: "VERIFIED" },
    q1: { outcome: "OVERTURNED" },
    q2: { outcome: "VERIFIED" },
    q3: { outcome: "VERIFIED" },
    q5: { outcome: "DISPUTED" },
  });
  ({ setId, pairOf } = seeded);
  expect(seeded.pairs.map((p) => [p.externalId, p.chosenModel, p.rejectedModel, p.categories]).sort()).toEqual([
    ["q0", "gpt-4", "qwen", ["easy"]],
    ["q1", "gpt-4", "qwen", ["easy"]],
    ["q2", "gpt-4", "qwen", ["easy", "length"]],
    ["q3", "gpt-4", "qwen", ["easy", "length"]],
    ["q4", "gpt-4", "qwen", ["easy", "length"]],
    ["q5", "gpt-4", "qwen", ["easy", "length"]],
  ]);
  promptUuid = new Map(seeded.pairs.map((p) => [p.externalId, p.promptId]));
});

const cli = (args: string[]) => runCli(databaseUrl, args);
const file = (name: string, lines: unknown[]) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, jsonl(lines));
  return p;
};

/**
 * Per kept pair (chosen over rejected as kept): q0 0.9 > 0.2 → 1; q1 (overturned: qwen over gpt-4) 0.7 = 0.7 → ½;
 * q2 0.3 < 0.8 → 0; q3 0.6 > 0.4 → 1.
 * all (1 + ½ + 0 + 1) / 4 = 0.625; easy (every pair) 0.625; hard none; length {q2, q3} 0.5; human {q1} 0.5;
 * macro (0.625 + 0.5 + 0.5) / 3.
 */
const HAND_ACCURACY = { all: 0.625, easy: 0.625, hard: null, length: 0.5, human: 0.5, macro: (0.625 + 0.5 + 0.5) / 3 };
const modelScores = () => [
  { prompt_id: "q0", model: "gpt-4", score: 0.9 },
  { prompt_id: "q0", model: "qwen", score: 0.2 },
  { prompt_id: promptUuid.get("q1"), model: "gpt-4", score: 0.7 },
  { prompt_id: "q1", model: "qwen", score: 0.7 },
  { prompt_id: "q1", model: "mixtral", score: 0.1 },
  { prompt_id: "q2", model: "gpt-4", score: 0.3 },
  { prompt_id: "q2", model: "qwen", score: 0.8 },
  { prompt_id: "q3", model: "gpt-4", score: 0.6 },
  { prompt_id: "q3", model: "qwen", score: 0.4 },
];
const pairScores = () => [
  { pair_id: pairOf("q0"), chosen_score: 2, rejected_score: -1 },
  // The overturned pair: chosen_score is the kept chosen's (qwen's).
  { pair_id: pairOf("q1"), chosen_score: 0, rejected_score: 0 },
  { pair_id: pairOf("q2"), chosen_score: 1, rejected_score: 1.5 },
  { pair_id: pairOf("q3"), chosen_score: 10, rejected_score: 3 },
];

const evaluationCount = async () =>
  (await queryRows<{ n: number }>(pool(), sql`SELECT count(*)::int AS n FROM rm_evaluations WHERE set_id = ${setId}`))[0]!.n;

describe("rm-eval on a verification set", () => {
  it("scores the kept pairs from {prompt_id, model, score} lines (imported or MedPref prompt ids), overturned pairs swapped, ties one half", async () => {
    const summary = await evaluateScores({
      benchmark: { setId },
      input: [jsonl(modelScores())],
      name: "UltraMedRM-test",
      notes: "seed 1",
      actorId: null,
    });
    expect(summary.problems).toEqual([]);
    expect(summary.ok).toBe(true);
    expect(summary.evaluation).toMatchObject({ name: "UltraMedRM-test", pairs: 4, accuracy: HAND_ACCURACY });
    const [stored] = await queryRows<{
      name: string;
      notes: string;
      kind: string;
      pairs: number;
      results: { accuracy: unknown; counts: unknown };
    }>(pool(), sql`SELECT name, notes, kind, pairs, results FROM rm_evaluations WHERE id = ${summary.evaluation!.id}`);
    expect(stored).toMatchObject({ name: "UltraMedRM-test", notes: "seed 1", kind: "scores", pairs: 4 });
    expect(stored!.results.accuracy).toEqual(HAND_ACCURACY);
    expect(stored!.results.counts).toEqual({ all: 4, easy: 4, hard: 0, length: 2, human: 1 });
    const audit = await queryRows<{ action: string }>(
      pool(),
      sql`SELECT action FROM audit_log WHERE entity_id = ${summary.evaluation!.id}`,
    );
    expect(audit).toEqual([{ action: "rm-evaluation.create" }]);
  });

  it("scores the kept pairs from {pair_id, chosen_score, rejected_score} lines; the same upload id again stores nothing", async () => {
    const id = crypto.randomUUID();
    const upload = () => evaluateScores({ benchmark: { setId }, input: [jsonl(pairScores())], name: "pairwise", actorId: null, id });
    const summary = await upload();
    expect(summary.evaluation).toMatchObject({ id, accuracy: HAND_ACCURACY });
    const before = await evaluationCount();
    await expect(upload()).rejects.toMatchObject({ code: "CONFLICT" });
    expect(await evaluationCount()).toBe(before);
  });

  it("refuses a file that misses a pair, naming it, and stores nothing", async () => {
    const before = await evaluationCount();
    const lines = modelScores().filter((l) => !(l.prompt_id === "q2" && l.model === "qwen"));
    const summary = await evaluateScores({ benchmark: { setId }, input: [jsonl(lines)], name: "incomplete", actorId: null });
    expect(summary.ok).toBe(false);
    expect(summary.problems).toEqual([
      {
        location: "file",
        field: `pair ${pairOf("q2")}`,
        reason: 'missing: no score for model "qwen" on prompt "q2" (the pair\'s rejected completion)',
      },
    ]);
    expect(summary.message).toBe("Nothing was stored: 1 problem in the score file (8 lines read). Fix them and upload the file again.");
    expect(await evaluationCount()).toBe(before);
  });

  it("refuses unknown pairs and prompts by line, and a pending pair's id is unknown", async () => {
    const summary = await evaluateScores({
      benchmark: { setId },
      input: [jsonl([...pairScores(), { pair_id: pairOf("q4"), chosen_score: 1, rejected_score: 0 }])],
      name: "with pending",
      actorId: null,
    });
    expect(summary.problems).toEqual([{ location: "line 5", field: "pair_id", reason: `no pair "${pairOf("q4")}" in this benchmark` }]);
  });

  it("answers the CLI's --json exactly, and refuses a bad file with exit code 1 naming the line", async () => {
    const ok = await cli(["rm-eval", "--set", setId, "--scores", file("scores.jsonl", modelScores()), "--name", "cli-rm", "--json"]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    const json = JSON.parse(ok.stdout) as Record<string, unknown>;
    const [stored] = await queryRows<{ results: { ci95: Record<string, [number, number]> } }>(
      pool(),
      sql`SELECT results FROM rm_evaluations WHERE name = 'cli-rm'`,
    );
    expect(json).toEqual({ name: "cli-rm", pairs: 4, accuracy: HAND_ACCURACY, ci95: stored!.results.ci95 });
    expect(Object.keys(json)).toEqual(["name", "pairs", "accuracy", "ci95"]);
    expect(Object.keys(json.accuracy as object)).toEqual(["all", "easy", "hard", "length", "human", "macro"]);
    expect(Object.keys(json.ci95 as object)).toEqual(["all", "easy", "hard", "length", "human", "macro"]);

    const bad = await cli([
      "rm-eval",
      "--set",
      setId,
      "--scores",
      file("bad.jsonl", [{ prompt_id: "q1", model: "model-0", score: "high" }]),
      "--name",
      "x",
    ]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("line 1: score: must be a number");
    const usage = await cli(["rm-eval", "--scores", "x.jsonl", "--name", "x"]);
    expect(usage.code).toBe(2);
  });
});

describe("the leaderboard of a verification set", () => {
  it("lists every stored evaluation and computes the judge and the clinicians' consensus as reference rows", async () => {
    const planted = await verificationSetWithOutcomes(3, {
      q0: { outcome: "VERIFIED", votes: ["CHOSEN", "CHOSEN", "REJECTED"] },
      q1: { outcome: "OVERTURNED", votes: ["REJECTED", "REJECTED"] },
      q2: { outcome: "DISPUTED", votes: ["CHOSEN", "REJECTED", "TIE"] },
    });
    await evaluateScores({
      benchmark: { setId: planted.setId },
      input: [
        jsonl([
          { pair_id: planted.pairOf("q0"), chosen_score: 1, rejected_score: 0 },
          { pair_id: planted.pairOf("q1"), chosen_score: 0, rejected_score: 1 },
        ]),
      ],
      name: "rm-a",
      notes: "8B",
      actorId: null,
    });
    const board = await leaderboard("set", planted.setId);
    expect(board).toMatchObject({ target: "set", title: "Verified pairs v1", keptPairs: 2 });
    expect(board!.rows.map((r) => [r.name, r.kind, r.notes, r.pairs, r.accuracy])).toEqual([
      // q0 right, q1 wrong: easy (both) ½, human (q1) 0.
      ["rm-a", "scores", "8B", 2, { all: 0.5, easy: 0.5, hard: null, length: null, human: 0, macro: 0.25 }],
      // The judge is right on the verified q0 and wrong on the overturned q1.
      ["Original judge (reference)", "reference", "", 2, { all: 0.5, easy: 0.5, hard: null, length: null, human: 0, macro: 0.25 }],
      // The clinicians' majority is with the kept verdict on both.
      ["Clinicians' consensus (reference)", "reference", "", 2, { all: 1, easy: 1, hard: null, length: null, human: 1, macro: 1 }],
    ]);
    const csv = leaderboardCsv(board!).split("\n");
    expect(csv[0]).toBe(
      '"name","kind","notes","created_at","created_by","pairs","all","all_lo","all_hi","easy","easy_lo","easy_hi","hard","hard_lo","hard_hi","length","length_lo","length_hi","human","human_lo","human_hi","macro","macro_lo","macro_hi"',
    );
    expect(csv[3]).toBe(
      '"Clinicians\' consensus (reference)","reference","","","","2","1","1","1","1","1","1","","","","","","","1","1","1","1","1","1"',
    );
  });
});

describe("rm-eval on an export's test split", () => {
  it("reads the test pairs and their category files from the published package, by row number or by prompt and model", async () => {
    const project = await makeProject();
    // Two candidates each; the clinicians prefer "good". Its answer is the shorter one on q1 and q2 (category "length").
    await importText(
      project.id,
      jsonl(
        [1, 2, 3, 4].map((i) => ({
          id: `e${i}`,
          prompt: `Question ${i}?`,
          completions: [
            { model: "good", text: i <= 2 ? "Short." : "A much longer good answer." },
            { model: "bad", text: i <= 2 ? "A much longer bad answer." : "Bad." },
          ],
        })),
      ),
    );
    const humans = [1, 2, 3, 4].map((i) => ({ prompt_id: `e${i}`, annotator: "Dr. A", ranking: ["good", "bad"] }));
    expect(
      await importRankings({
        projectId: project.id,
        input: [jsonl(humans)],
        fileName: "h.jsonl",
        kind: "human",
        annotator: null,
        actorId: null,
      }),
    ).toMatchObject({ ok: true });
    const config = exportConfigSchema.parse({
      projects: [project.slug],
      format: "dpo",
      strategy: "best-worst",
      categories: true,
      splits: [{ name: "test", fraction: 1 }],
    });
    const exp = await db().export.create({ data: { name: "bench export", config, configHash: "rm-eval" } });
    await runExportBuild(exp.id);
    expect((await db().export.findUniqueOrThrow({ where: { id: exp.id } })).status).toBe("READY");

    // e1 1 > 0 → 1; e2 0 = 0 → ½; e3 0 < 1 → 0; e4 2 > 1 → 1. Every pair is easy and hard (two candidates, one rank apart).
    // all 2.5 / 4; length {e1, e2} 0.75; human none; macro (0.625 + 0.625 + 0.75) / 3.
    const scores = { e1: [1, 0], e2: [0, 0], e3: [0, 1], e4: [2, 1] } as const;
    const byModel = Object.entries(scores).flatMap(([prompt, [good, bad]]) => [
      { prompt_id: prompt, model: "good", score: good },
      { prompt_id: prompt, model: "bad", score: bad },
    ]);
    const expected = { all: 0.625, easy: 0.625, hard: 0.625, length: 0.75, human: null, macro: (0.625 + 0.625 + 0.75) / 3 };
    const viaModels = await evaluateScores({ benchmark: { exportId: exp.id }, input: [jsonl(byModel)], name: "export-rm", actorId: null });
    expect(viaModels.problems).toEqual([]);
    expect(viaModels.evaluation?.accuracy).toEqual(expected);

    const rows = fs
      .readFileSync(path.join(exportDirectory(exp.id), "data/test.jsonl"), "utf8")
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { provenance: { prompt_id: string } });
    const externalOf = new Map(
      (
        await queryRows<{ id: string; externalId: string }>(
          pool(),
          sql`SELECT id, external_id FROM prompts WHERE project_id = ${project.id}`,
        )
      ).map((p) => [p.id, p.externalId as keyof typeof scores]),
    );
    const byRow = rows.map((r, i) => {
      const [good, bad] = scores[externalOf.get(r.provenance.prompt_id)!];
      return { pair_id: i, chosen_score: good, rejected_score: bad };
    });
    const viaRows = await evaluateScores({ benchmark: { exportId: exp.id }, input: [jsonl(byRow)], name: "export-rm-rows", actorId: null });
    expect(viaRows.evaluation?.accuracy).toEqual(expected);
    const board = await leaderboard("export", exp.id);
    expect(board!.rows.map((r) => r.name)).toEqual(["export-rm-rows", "export-rm"]);

    // The same split written as Parquet reads the same.
    const parquet = await db().export.create({
      data: { name: "bench export (parquet)", config: { ...config, fileType: "parquet" }, configHash: "rm-eval-parquet" },
    });
    await runExportBuild(parquet.id);
    const viaParquet = await evaluateScores({
      benchmark: { exportId: parquet.id },
      input: [jsonl(byModel)],
      name: "parquet-rm",
      actorId: null,
    });
    expect(viaParquet.problems).toEqual([]);
    expect(viaParquet.evaluation?.accuracy).toEqual(expected);
  });
});
