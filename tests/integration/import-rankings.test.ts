import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { pool } from "@/lib/db/pool";
import { db } from "@/lib/db/prisma";
import { importRankings } from "@/lib/import/rankings/import-rankings";
import { HAS_SHARED_FIXTURES, importFile, importText, jsonl, makeProject, ULTRAMEDICAL_DIR } from "../support/fixtures";
import { runCli } from "../support/cli";
import { useFreshDatabase } from "../support/test-database";
import { runProgress } from "@/lib/judge/runs/run-views";

let databaseUrl: string;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "medpref-rankings-"));
beforeAll(async () => {
  databaseUrl = await useFreshDatabase();
});

const cli = (args: string[]) => runCli(databaseUrl, args);

const fromText = (text: string) => [Buffer.from(text)];

/** Rankings stored for the project: rater or run name, prompt external id, models best first. */
async function storedRankings(projectId: string) {
  const { rows } = await pool().query<{ who: string; external_id: string; kind: string; models: string[][] }>(
    `SELECT coalesce(u.name, jr.model) AS who, p.external_id, r.kind,
            (SELECT json_agg(t.models ORDER BY t.rank) FROM (SELECT e.rank, json_agg(c.model ORDER BY c.model) AS models FROM ranking_entries e JOIN completions c ON c.id = e.completion_id WHERE e.revision_id = rr.id GROUP BY e.rank) t) AS models
       FROM rankings r JOIN prompts p ON p.id = r.prompt_id JOIN ranking_revisions rr ON rr.ranking_id = r.id
       LEFT JOIN users u ON u.id = r.rater_id LEFT JOIN judge_runs jr ON jr.id = r.judge_run_id
      WHERE p.project_id = $1 ORDER BY 1, 2`,
    [projectId],
  );
  return rows;
}

describe.skipIf(!HAS_SHARED_FIXTURES)("import-rankings on real UltraMedical files", () => {
  it("loads the judge's feedback (fenced string counting from 0, or parsed JSON counting from 1) as a completed judge run", async () => {
    const project = await makeProject();
    await importFile(project.id, path.join(ULTRAMEDICAL_DIR, "medqa_outputs.json"));
    const records = JSON.parse(fs.readFileSync(path.join(ULTRAMEDICAL_DIR, "medqa_outputs.json"), "utf8")) as {
      id: string;
      model_outputs: Record<string, string>[];
    }[];
    // Our judge prefers later candidates: rank 1 is the last model of the file.
    const feedbackRecords = records.map((r, i) => {
      const n = r.model_outputs.length;
      if (i % 2 === 0) {
        const answer = {
          feedback: Object.fromEntries(r.model_outputs.map((_, j) => [`Model ${j}`, { Evaluation: `eval ${j}`, Score: 1 + (j % 5) }])),
          ranking: r.model_outputs.map((_, j) => ({ rank: n - j, model: `Model ${j}` })),
        };
        return { ...r, feedback: `Here is my judgement.\n\`\`\`json\n${JSON.stringify(answer)}\n\`\`\`` };
      }
      const parsed = {
        feedback: Object.fromEntries(r.model_outputs.map((_, j) => [`Model ${j + 1}`, { Evaluation: `eval ${j + 1}`, Score: 3 }])),
        ranking: r.model_outputs.map((_, j) => ({ rank: n - j, model: `Model ${j + 1}` })),
      };
      return { ...r, feedback: "(unparsed)", "feedback.json": parsed };
    });
    const file = path.join(dir, "medqa_feedback.json");
    fs.writeFileSync(file, JSON.stringify(feedbackRecords));
    const result = await cli([
      "import-rankings",
      "--project",
      project.slug,
      "--file",
      file,
      "--kind",
      "judge",
      "--annotator",
      "gpt-4-judge",
    ]);
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/Imported 9 judge rankings by "gpt-4-judge"/);
    const stored = await storedRankings(project.id);
    expect(stored).toHaveLength(9);
    for (const r of stored) {
      const models = Object.keys(Object.assign({}, ...records.find((x) => x.id === r.external_id)!.model_outputs));
      expect(r.kind).toBe("JUDGE");
      expect(r.models.map((t) => t[0])).toEqual([...models].reverse());
    }
    const run = await db().judgeRun.findFirstOrThrow({ where: { projectId: project.id } });
    expect(run).toMatchObject({ status: "COMPLETED", model: "gpt-4-judge", unitsTotal: 9 });
    expect(await runProgress(run.id)).toMatchObject({ done: 9, pending: 0 });
  });
});

describe("import-rankings", () => {
  async function projectWithPrompts() {
    const project = await makeProject({ allowTies: true });
    await importText(
      project.id,
      jsonl(
        [1, 2, 3].map((i) => ({
          id: `q${i}`,
          prompt: `Question ${i}`,
          completions: ["gpt-4", "llama-3", "mixtral"].map((model) => ({ model, text: `${model} on ${i}` })),
        })),
      ),
    );
    return project;
  }

  it("loads MedPref JSONL human rankings with ties as external raters; a line's annotator wins; importing again adds nothing", async () => {
    const project = await projectWithPrompts();
    const text = jsonl([
      { prompt_id: "q1", ranking: ["gpt-4", ["llama-3", "mixtral"]], scores: { "gpt-4": 5 } },
      { prompt_id: "q2", annotator: "Dr. Osei", ranking: ["mixtral", "gpt-4", "llama-3"] },
    ]);
    const summary = await importRankings({
      projectId: project.id,
      input: fromText(text),
      fileName: "h.jsonl",
      kind: "human",
      annotator: "Dr. Lind",
      actorId: null,
    });
    expect(summary).toMatchObject({ ok: true, imported: 2, annotators: ["Dr. Lind", "Dr. Osei"] });
    expect(await storedRankings(project.id)).toEqual([
      { who: "Dr. Lind", external_id: "q1", kind: "HUMAN", models: [["gpt-4"], ["llama-3", "mixtral"]] },
      { who: "Dr. Osei", external_id: "q2", kind: "HUMAN", models: [["mixtral"], ["gpt-4"], ["llama-3"]] },
    ]);
    const raters = await db().user.findMany({ where: { name: { in: ["Dr. Lind", "Dr. Osei"] } } });
    expect(raters.every((u) => u.isExternal && !u.active && u.passwordHash === null)).toBe(true);
    const again = await importRankings({
      projectId: project.id,
      input: fromText(text),
      fileName: "h.jsonl",
      kind: "human",
      annotator: "Dr. Lind",
      actorId: null,
    });
    expect(again).toMatchObject({ ok: true, imported: 0, alreadyThere: 2 });
    expect(await db().user.count({ where: { isExternal: true } })).toBe(2);
  });

  it("refuses a file with any bad record, naming line and problem, and writes nothing", async () => {
    const project = await projectWithPrompts();
    const file = path.join(dir, "bad.jsonl");
    fs.writeFileSync(
      file,
      jsonl([
        { prompt_id: "q1", ranking: ["gpt-4", "llama-3", "mixtral"] },
        { prompt_id: "q9", ranking: ["gpt-4", "llama-3", "mixtral"] },
        { prompt_id: "q2", ranking: ["gpt-4", "llama-3"] },
        { prompt_id: "q3", ranking: ["gpt-4", "llama-3", "claude"] },
      ]) + "{broken\n",
    );
    const result = await cli(["import-rankings", "--project", project.slug, "--file", file, "--kind", "human", "--annotator", "Dr. X"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 2: prompt_id: no prompt "q9"/);
    expect(result.stderr).toMatch(/line 3: ranking: .*"mixtral" is not ranked/);
    expect(result.stderr).toMatch(/line 4: ranking: names "claude"/);
    expect(result.stderr).toMatch(/line 5: record:/);
    expect(result.stderr).toMatch(/Nothing was imported: 4 of 5 records have problems/);
    expect(await db().ranking.count({ where: { prompt: { projectId: project.id } } })).toBe(0);
    expect(await db().user.count({ where: { name: "Dr. X" } })).toBe(0);

    const noAnnotator = await importRankings({
      projectId: project.id,
      input: fromText(jsonl([{ prompt_id: "q1", ranking: ["gpt-4", "llama-3", "mixtral"] }])),
      fileName: "x",
      kind: "human",
      annotator: null,
      actorId: null,
    });
    expect(noAnnotator.ok).toBe(false);
    expect(noAnnotator.problems[0]!.reason).toMatch(/needs its annotator/);
    const usage = await cli(["import-rankings", "--project", project.slug, "--file", file, "--kind", "robot"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--kind: required: judge or human/);
  });

  it("keeps every score with its declared scale (per record, or --score-scale for the file), refusing out-of-scale scores by line", async () => {
    const project = await projectWithPrompts();
    const file = path.join(dir, "scaled.jsonl");
    fs.writeFileSync(
      file,
      jsonl([
        { prompt_id: "q1", ranking: ["gpt-4", "llama-3", "mixtral"], scores: { "gpt-4": 9.5, "llama-3": 7, mixtral: 0 } },
        {
          prompt_id: "q2",
          ranking: ["mixtral", "gpt-4", "llama-3"],
          scores: { mixtral: 4.5, "gpt-4": 3, "llama-3": 1 },
          score_scale: [1, 5],
        },
      ]),
    );
    // Without a declared scale the rubric's 1–5 applies: 9.5 and 0 are refused, naming the line.
    const refused = await importRankings({
      projectId: project.id,
      input: fs.createReadStream(file),
      fileName: "scaled.jsonl",
      kind: "human",
      annotator: "Dr. Scale",
      actorId: null,
    });
    expect(refused.ok).toBe(false);
    expect(refused.problems).toEqual([
      { location: "line 1", field: "scores", reason: expect.stringMatching(/^"gpt-4" has the score 9.5, outside 1–5/) },
    ]);
    expect(await db().ranking.count({ where: { prompt: { projectId: project.id } } })).toBe(0);

    const badScale = await cli([
      "import-rankings",
      "--project",
      project.slug,
      "--file",
      file,
      "--kind",
      "human",
      "--annotator",
      "Dr. Scale",
      "--score-scale",
      "10-0",
    ]);
    expect(badScale.code).toBe(2);
    expect(badScale.stderr).toMatch(/--score-scale: "10-0" is not MIN-MAX/);

    const ok = await cli([
      "import-rankings",
      "--project",
      project.slug,
      "--file",
      file,
      "--kind",
      "human",
      "--annotator",
      "Dr. Scale",
      "--score-scale",
      "0-10",
    ]);
    expect(ok.stderr).toBe("");
    expect(ok.code).toBe(0);
    const { rows } = await pool().query<{ external_id: string; model: string; score: number; score_min: number; score_max: number }>(
      `SELECT p.external_id, c.model, e.score, rr.score_min, rr.score_max FROM ranking_entries e
         JOIN ranking_revisions rr ON rr.id = e.revision_id JOIN completions c ON c.id = e.completion_id JOIN prompts p ON p.id = c.prompt_id
        WHERE p.project_id = $1 ORDER BY p.external_id, c.model`,
      [project.id],
    );
    expect(rows).toEqual([
      { external_id: "q1", model: "gpt-4", score: 9.5, score_min: 0, score_max: 10 },
      { external_id: "q1", model: "llama-3", score: 7, score_min: 0, score_max: 10 },
      { external_id: "q1", model: "mixtral", score: 0, score_min: 0, score_max: 10 },
      { external_id: "q2", model: "gpt-4", score: 3, score_min: 1, score_max: 5 },
      { external_id: "q2", model: "llama-3", score: 1, score_min: 1, score_max: 5 },
      { external_id: "q2", model: "mixtral", score: 4.5, score_min: 1, score_max: 5 },
    ]);
  }, 180_000);

  it("refuses tied rankings in a project without ties, and accepts them where ties are allowed", async () => {
    const strict = await makeProject({ allowTies: false });
    await importText(
      strict.id,
      jsonl([
        { id: "t1", prompt: "Question t", completions: ["gpt-4", "llama-3", "mixtral"].map((model) => ({ model, text: `${model} on t` })) },
      ]),
    );
    const tied = jsonl([{ prompt_id: "t1", ranking: ["gpt-4", ["llama-3", "mixtral"]] }]);
    const refused = await importRankings({
      projectId: strict.id,
      input: fromText(tied),
      fileName: "t.jsonl",
      kind: "human",
      annotator: "Dr. Tie",
      actorId: null,
    });
    expect(refused.ok).toBe(false);
    expect(refused.problems).toEqual([
      { location: "line 1", field: "ranking", reason: 'Ties are not allowed in this project: "llama-3" and "mixtral" share place 2.' },
    ]);
    const judge = await importRankings({
      projectId: strict.id,
      input: fromText(tied),
      fileName: "t.jsonl",
      kind: "judge",
      annotator: "judge",
      actorId: null,
    });
    expect(judge.ok).toBe(false);
    expect(await db().ranking.count({ where: { prompt: { projectId: strict.id } } })).toBe(0);
    const loose = await projectWithPrompts();
    expect(
      await importRankings({
        projectId: loose.id,
        input: fromText(jsonl([{ prompt_id: "q1", ranking: ["gpt-4", ["llama-3", "mixtral"]] }])),
        fileName: "t.jsonl",
        kind: "human",
        annotator: "Dr. Tie",
        actorId: null,
      }),
    ).toMatchObject({ ok: true, imported: 1 });
  });
});
