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
    const records = JSON.parse(fs.readFileSync(path.join(ULTRAMEDICAL_DIR, "medqa_outputs.json"), "utf8")) as { id: string; model_outputs: Record<string, string>[] }[];
    // Our judge prefers later candidates: rank 1 is the last model of the file.
    const feedbackRecords = records.map((r, i) => {
      const n = r.model_outputs.length;
      if (i % 2 === 0) {
        const answer = { feedback: Object.fromEntries(r.model_outputs.map((_, j) => [`Model ${j}`, { Evaluation: `eval ${j}`, Score: 1 + (j % 5) }])), ranking: r.model_outputs.map((_, j) => ({ rank: n - j, model: `Model ${j}` })) };
        return { ...r, feedback: `Here is my judgement.\n\`\`\`json\n${JSON.stringify(answer)}\n\`\`\`` };
      }
      const parsed = { feedback: Object.fromEntries(r.model_outputs.map((_, j) => [`Model ${j + 1}`, { Evaluation: `eval ${j + 1}`, Score: 3 }])), ranking: r.model_outputs.map((_, j) => ({ rank: n - j, model: `Model ${j + 1}` })) };
      return { ...r, feedback: "(unparsed)", "feedback.json": parsed };
    });
    const file = path.join(dir, "medqa_feedback.json");
    fs.writeFileSync(file, JSON.stringify(feedbackRecords));
    const result = await cli(["import-rankings", "--project", project.slug, "--file", file, "--kind", "judge", "--annotator", "gpt-4-judge"]);
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
    await importText(project.id, jsonl([1, 2, 3].map((i) => ({ id: `q${i}`, prompt: `Question ${i}`, completions: ["gpt-4", "llama-3", "mixtral"].map((model) => ({ model, text: `${model} on ${i}` })) }))));
    return project;
  }

  it("loads MedPref JSONL human rankings with ties as external raters; a line's annotator wins; importing again adds nothing", async () => {
    const project = await projectWithPrompts();
    const text = jsonl([
      { prompt_id: "q1", ranking: ["gpt-4", ["llama-3", "mixtral"]], scores: { "gpt-4": 5 } },
      { prompt_id: "q2", annotator: "Dr. Osei", ranking: ["mixtral", "gpt-4", "llama-3"] },
    ]);
    const summary = await importRankings({ projectId: project.id, input: fromText(text), fileName: "h.jsonl", kind: "human", annotator: "Dr. Lind", actorId: null });
    expect(summary).toMatchObject({ ok: true, imported: 2, annotators: ["Dr. Lind", "Dr. Osei"] });
    expect(await storedRankings(project.id)).toEqual([
      { who: "Dr. Lind", external_id: "q1", kind: "HUMAN", models: [["gpt-4"], ["llama-3", "mixtral"]] },
      { who: "Dr. Osei", external_id: "q2", kind: "HUMAN", models: [["mixtral"], ["gpt-4"], ["llama-3"]] },
    ]);
    const raters = await db().user.findMany({ where: { name: { in: ["Dr. Lind", "Dr. Osei"] } } });
    expect(raters.every((u) => u.isExternal && !u.active && u.passwordHash === null)).toBe(true);
    const again = await importRankings({ projectId: project.id, input: fromText(text), fileName: "h.jsonl", kind: "human", annotator: "Dr. Lind", actorId: null });
    expect(again).toMatchObject({ ok: true, imported: 0, alreadyThere: 2 });
    expect(await db().user.count({ where: { isExternal: true } })).toBe(2);
  });

  it("refuses a file with any bad record, naming line and problem, and writes nothing", async () => {
    const project = await projectWithPrompts();
    const file = path.join(dir, "bad.jsonl");
    fs.writeFileSync(file, jsonl([
      { prompt_id: "q1", ranking: ["gpt-4", "llama-3", "mixtral"] },
      { prompt_id: "q9", ranking: ["gpt-4", "llama-3", "mixtral"] },
      { prompt_id: "q2", ranking: ["gpt-4", "llama-3"] },
      { prompt_id: "q3", ranking: ["gpt-4", "llama-3", "claude"] },
    ]) + "{broken\n");
    const result = await cli(["import-rankings", "--project", project.slug, "--file", file, "--kind", "human", "--annotator", "Dr. X"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/line 2: prompt_id: no prompt "q9"/);
    expect(result.stderr).toMatch(/line 3: ranking: .*"mixtral" is not ranked/);
    expect(result.stderr).toMatch(/line 4: ranking: names "claude"/);
    expect(result.stderr).toMatch(/line 5: record:/);
    expect(result.stderr).toMatch(/Nothing was imported: 4 of 5 records have problems/);
    expect(await db().ranking.count({ where: { prompt: { projectId: project.id } } })).toBe(0);
    expect(await db().user.count({ where: { name: "Dr. X" } })).toBe(0);

    const noAnnotator = await importRankings({ projectId: project.id, input: fromText(jsonl([{ prompt_id: "q1", ranking: ["gpt-4", "llama-3", "mixtral"] }])), fileName: "x", kind: "human", annotator: null, actorId: null });
    expect(noAnnotator.ok).toBe(false);
    expect(noAnnotator.problems[0]!.reason).toMatch(/needs its annotator/);
    const usage = await cli(["import-rankings", "--project", project.slug, "--file", file, "--kind", "robot"]);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/--kind: required: judge or human/);
  });
});
